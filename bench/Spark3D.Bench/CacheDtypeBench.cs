using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spark3D.Data.Cache;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Bench;

/// <summary>
/// `cache-dtype [--phantoms 12] [--steps 100] [--patch 32] [--crops 12]`: the evidence for the cache default
/// (docs/cache-format.md), float32 + LZ4 against float16 + Zstd (and float16 + LZ4), on the same inputs (N phantoms from
/// `spark3d phantoms` and the five mricron templates) in one run:
/// 1. `spark3d preprocess` into each layout (the real program; wall, CPU, --timings) and the cache sizes;
/// 2. the precision loss of float16 on the z-scored voxels (max and RMS error, per file and overall);
/// 3. random crop speed from each layout (one thread, the largest output volume, alternating);
/// 4. a short `spark3d pretrain --preset tiny` on each cache (same seed, one preprocessor so patches come in the same
///    order; such runs are deterministic), loss curves side by side; the float16 effect is set against the effect of
///    training the float32 cache with another seed (pipeline.seed 43: other patches and masks).
/// Build first: dotnet build Spark3D.sln -c Release.
/// </summary>
internal static class CacheDtypeBench
{
    public static int Run(string[] args)
    {
        int phantoms = BenchArgs.Int(args, "--phantoms", 12), steps = BenchArgs.Int(args, "--steps", 100), patch = BenchArgs.Int(args, "--patch", 32);
        int crops = BenchArgs.Int(args, "--crops", 12);
        string root = RepositoryRoot.Find();
        string spark3d = Path.Combine(root, "src/Spark3D.Host/bin/Release/net10.0/spark3d.dll");
        if (!File.Exists(spark3d)) { Console.Error.WriteLine($"{spark3d} not found: dotnet build Spark3D.sln -c Release first"); return 2; }
        string work = Directory.CreateTempSubdirectory("spark3d-cache-dtype-").FullName;
        try
        {
            Console.WriteLine("cache-dtype: " + BenchEnvironment.Describe());
            string input = Path.Combine(work, "in");
            Spark3d(spark3d, work, "phantoms", "--count", phantoms.ToString(CultureInfo.InvariantCulture), "--output", input);
            foreach (string t in new[] { "ch2better", "ch2", "ch2bet", "inia19-t1-brain", "aal" })
            {
                string f = $"/usr/share/mricron/templates/{t}.nii.gz";
                if (File.Exists(f)) File.CreateSymbolicLink(Path.Combine(input, Path.GetFileName(f)), f);
            }
            var layouts = new (string Name, string[] Defines)[]
            {
                ("float32+lz4", ["-D", "spark3d.data.cache.dtype=float32", "-D", "spark3d.data.cache.codec=lz4"]),
                ("float16+zstd", ["-D", "spark3d.data.cache.dtype=float16", "-D", "spark3d.data.cache.codec=zstd"]),
                ("float16+lz4", ["-D", "spark3d.data.cache.dtype=float16", "-D", "spark3d.data.cache.codec=lz4"]),
            };
            Console.WriteLine($"inputs: {Directory.GetFiles(input).Length} volumes ({phantoms} phantoms + mricron templates)");
            Console.WriteLine();
            Console.WriteLine("| layout | preprocess wall s | CPU s | compress s | write s | cache MB |");
            Console.WriteLine("|---|---|---|---|---|---|");
            var caches = new List<string>();
            foreach (var (name, defines) in layouts)
            {
                string cache = Path.Combine(work, name);
                caches.Add(cache);
                var (wall, cpu, stdout) = Spark3d(spark3d, work, ["preprocess", "--input", input, "--output", cache, "-j", "1", "--timings", .. defines]);
                var stages = ParseTimings(stdout);
                long bytes = Directory.GetFiles(cache, "*.s3d", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                Console.WriteLine(F($"| {name} | {wall:F2} | {cpu:F2} | {stages["compress"]:F2} | {stages["write"]:F2} | {bytes / 1e6:F1} |"));
            }
            Precision(caches[0], caches[1]);
            CropSpeed(caches, crops);
            Pretrain(spark3d, work, caches, layouts.Select(l => l.Name).ToList(), steps, patch);
            Console.WriteLine($"\nload after: {BenchEnvironment.LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Precision(string f32, string f16)
    {
        Console.WriteLine();
        Console.WriteLine("float16 against float32, z-scored voxels (the same preprocessing, only the stored dtype differs):");
        Console.WriteLine("| volume | voxels | max abs error | RMS error | max |value| | max error / value for |value| ≥ 0.1 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        double worst = 0, sumSq = 0;
        long total = 0;
        foreach (string a in Directory.GetFiles(f32, "*.s3d").Order(StringComparer.Ordinal))
        {
            using var fa = ChunkedVolumeFile.Open(a);
            using var fb = ChunkedVolumeFile.Open(Path.Combine(f16, Path.GetFileName(a)));
            var va = fa.ReadAll().Voxels;
            var vb = fb.ReadAll().Voxels;
            double max = 0, sq = 0, big = 0, rel = 0;
            for (int i = 0; i < va.Length; i++)
            {
                double d = Math.Abs(va[i] - vb[i]);
                max = Math.Max(max, d);
                sq += d * d;
                big = Math.Max(big, Math.Abs(va[i]));
                if (Math.Abs(va[i]) >= 0.1) rel = Math.Max(rel, d / Math.Abs(va[i]));
            }
            worst = Math.Max(worst, max);
            sumSq += sq;
            total += va.Length;
            Console.WriteLine(F($"| {Path.GetFileNameWithoutExtension(a)} | {va.Length} | {max:E2} | {Math.Sqrt(sq / va.Length):E2} | {big:F2} | {rel:E2} |"));
        }
        Console.WriteLine(F($"all: max abs error {worst:E2}, RMS {Math.Sqrt(sumSq / total):E2} (float16 keeps 11 significant bits: rounding error ≤ 2^-11 = 4.9e-4 of the value)"));
    }

    private static void CropSpeed(List<string> caches, int n)
    {
        // The largest output volume, so 160³ crops fit.
        string name = Path.GetFileName(Directory.GetFiles(caches[0], "*.s3d").OrderByDescending(f => new FileInfo(f).Length).First());
        Console.WriteLine();
        Console.WriteLine($"random crops per second, one thread, from {name} (alternating layouts, median of 5 rounds):");
        Console.WriteLine("| layout | file MB | 160³ crops/s | 64³ crops/s | whole volume decode ms |");
        Console.WriteLine("|---|---|---|---|---|");
        var results = caches.ToDictionary(c => c, _ => new List<(double C160, double C64, double Whole)>());
        for (int round = 0; round < 5; round++)
            foreach (string cache in caches)
            {
                using var f = ChunkedVolumeFile.Open(Path.Combine(cache, name));
                var s = f.Shape;
                var p160 = new Shape3(Math.Min(160, s.X), Math.Min(160, s.Y), Math.Min(160, s.Z));
                double c160 = CropsPerSecond(f, p160, n, round), c64 = CropsPerSecond(f, new Shape3(64, 64, 64), n * 10, round + 100);
                f.ReadAll();
                var sw = Stopwatch.StartNew();
                f.ReadAll();
                results[cache].Add((c160, c64, sw.Elapsed.TotalMilliseconds));
            }
        foreach (string cache in caches)
        {
            var r = results[cache];
            Console.WriteLine(F($"| {Path.GetFileName(cache)} | {new FileInfo(Path.Combine(cache, name)).Length / 1e6:F1} | {Median.Of(r.Select(x => x.C160)):F1} | {Median.Of(r.Select(x => x.C64)):F0} | {Median.Of(r.Select(x => x.Whole)):F0} |"));
        }
    }

    private static double CropsPerSecond(IVolumeCropSource src, Shape3 patch, int count, int seed)
    {
        var sampler = new RandomPatchSampler(patch);
        var buffer = new float[patch.Count];
        var rng = new Random(seed);
        var o = sampler.SampleOrigin(src.Shape, rng);
        src.ReadCrop(o.X, o.Y, o.Z, patch, buffer); // warm-up (and first-read checksum of those chunks)
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            o = sampler.SampleOrigin(src.Shape, rng);
            src.ReadCrop(o.X, o.Y, o.Z, patch, buffer);
        }
        return count / sw.Elapsed.TotalSeconds;
    }

    private static void Pretrain(string spark3d, string work, List<string> caches, List<string> names, int steps, int patch)
    {
        Console.WriteLine();
        Console.WriteLine($"spark3d pretrain --preset tiny --steps {steps} --patch {patch} --batch 2 --device cpu, one preprocessor, augmentation on; " +
                          "seed 42 on every layout, and the float32 cache once more with seed 43 (the control: other patches and masks); loss (masked MSE) per step:");
        var curves = new List<(string Label, double[] Loss, double Seconds)>();
        var plan = caches.Select((c, i) => (Cache: c, Label: names[i], Seed: 42)).Append((Cache: caches[0], Label: names[0] + " seed 43", Seed: 43)).ToList();
        foreach (var (cache, label, seed) in plan)
        {
            string runDir = Path.Combine(work, $"run-{curves.Count}");
            var (wall, _, _) = Spark3d(spark3d, work, "pretrain", "--data", cache, "--preset", "tiny", "--steps", steps.ToString(CultureInfo.InvariantCulture),
                "--patch", patch.ToString(CultureInfo.InvariantCulture), "--batch", "2", "--device", "cpu", "--run-dir", runDir,
                "-D", "spark3d.pipeline.metrics-every=1", "-D", "spark3d.pipeline.preprocessors=1", "-D", "spark3d.pipeline.checkpoint-every=1000000",
                "-D", "spark3d.telemetry.reconstruction.every-steps=1000000", "-D", $"spark3d.pipeline.seed={seed}");
            var loss = File.ReadLines(Path.Combine(runDir, "metrics.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("loss", out _))
                .Select(e => (Step: e.GetProperty("step").GetInt64(), Loss: e.GetProperty("loss").GetDouble()))
                .GroupBy(e => e.Step).Select(g => g.Last()).OrderBy(e => e.Step).Select(e => e.Loss).ToArray();
            curves.Add((label, loss, wall));
        }
        Console.WriteLine("| step | " + string.Join(" | ", curves.Select(c => c.Label)) + " |");
        Console.WriteLine("|---|" + string.Concat(curves.Select(_ => "---|")));
        int len = curves.Min(c => c.Loss.Length);
        for (int s = 0; s < len; s++)
            if (s == 0 || (s + 1) % 10 == 0 || s == len - 1)
                Console.WriteLine(F($"| {s + 1} | ") + string.Join(" | ", curves.Select(c => F($"{c.Loss[s]:F4}"))) + " |");
        int tail = Math.Min(20, len);
        Console.WriteLine("| mean of the last " + tail + " | " + string.Join(" | ", curves.Select(c => F($"{c.Loss[^tail..].Average():F4}"))) + " |");
        Console.WriteLine("| wall s | " + string.Join(" | ", curves.Select(c => F($"{c.Seconds:F0}"))) + " |");
        var reference = curves[0].Loss;
        foreach (var c in curves.Skip(1))
        {
            double perStep = Enumerable.Range(0, len).Average(s => Math.Abs(c.Loss[s] - reference[s]));
            double lastMean = c.Loss[^tail..].Average() - reference[^tail..].Average();
            Console.WriteLine(F($"{c.Label} against {curves[0].Label}: mean |Δloss| per step {perStep:F4}, last-{tail} mean {lastMean:+0.0000;-0.0000}"));
        }
    }

    private static Dictionary<string, double> ParseTimings(string stdout)
    {
        const string prefix = "stage seconds (summed over volumes) ";
        string line = stdout.Split('\n').First(l => l.Contains(prefix, StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..]);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    private static (double Wall, double Cpu, string Stdout) Spark3d(string spark3d, string work, params string[] args)
    {
        string timeFile = Path.Combine(work, "time.txt");
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-f", "%e %U %S", "-o", timeFile, "dotnet", spark3d }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"spark3d {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
        var t = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (t[0], t[1] + t[2], stdout);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
