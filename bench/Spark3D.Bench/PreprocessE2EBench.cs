using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;

namespace Spark3D.Bench;

/// <summary>
/// `preprocess-e2e [--reps 5] [--set mricron|nibabel|all] [--jobs 1,N] [--spark3d PATH] [--baseline PATH]`: the real program,
/// `dotnet spark3d.dll preprocess --input DIR --output DIR -j J --timings` (as users run it: its own JIT settings,
/// start-up and jemalloc re-exec included), against a plain Python pipeline (bench/python/preprocess_e2e.py: nibabel
/// load, as_closest_canonical, crop to nonzero, z-score over nonzero voxels, scipy zoom(order=1) to 1 mm, np.save)
/// on the same files, whole processes timed by /usr/bin/time (wall, user, system, peak RSS).
/// Method: one untimed warm-up run per side, then R paired runs in alternating order (ours first on even pairs),
/// medians. With J = cores the Python pipeline runs under a process pool of J workers. Goals (on the mricron set,
/// -j 1): ours ≥ 3× faster end to end; our peak RSS ≤ 3× the float32 size of the largest grid involved (input or
/// output). Also printed: our per-stage time (--timings, medians over runs) and how far our output is from Python's
/// (same grid, max |difference| of the z-scored voxels).
/// Sets: mricron = ch2better, ch2, ch2bet, inia19-t1-brain, aal (/usr/share/mricron/templates); nibabel = the 3-D/4-D
/// NIfTI files of nibabel's test data that the Python pipeline can load (volume 0 of 4-D files on both sides).
/// `--baseline PATH` adds another spark3d.dll (e.g. a build of main) as a third side of every rotation, without
/// --timings, for before/after numbers from the same run.
/// Build first: dotnet build Spark3D.sln -c Release.
/// </summary>
internal static class PreprocessE2EBench
{
    private const string Templates = "/usr/share/mricron/templates";
    private const string NibabelData = "/usr/lib/python3/dist-packages/nibabel/tests/data";
    private static readonly string[] Mricron = ["ch2better", "ch2", "ch2bet", "inia19-t1-brain", "aal"];
    private static readonly string[] NibabelFiles =
    [
        "anatomical.nii", "example4d.nii.gz", "example_nifti2.nii.gz", "functional.nii", "reoriented_anat_moved.nii",
        "resampled_anat_moved.nii", "standard.nii.gz",
    ];

    private const double SpeedGoal = 3.0, RssGoal = 3.0;

    public static int Run(string[] args)
    {
        int reps = BenchArgs.Int(args, "--reps", 5);
        string set = BenchArgs.String(args, "--set", "mricron");
        var jobs = BenchArgs.String(args, "--jobs", "1," + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture))
            .Split(',').Select(j => int.Parse(j, CultureInfo.InvariantCulture)).Distinct().ToList();
        string root = RepositoryRoot.Find();
        string spark3d = BenchArgs.String(args, "--spark3d", Path.Combine(root, "src/Spark3D.Host/bin/Release/net10.0/spark3d.dll"));
        string script = Path.Combine(root, "bench/python/preprocess_e2e.py");
        string? baseline = BenchArgs.String(args, "--baseline", "") is { Length: > 0 } b ? b : null;
        if (baseline is not null && !File.Exists(baseline)) { Console.Error.WriteLine($"{baseline} not found"); return 2; }
        if (!File.Exists(spark3d)) { Console.Error.WriteLine($"{spark3d} not found: dotnet build Spark3D.sln -c Release first"); return 2; }
        if (!File.Exists("/usr/bin/time")) { Console.Error.WriteLine("/usr/bin/time not found (apt-get install time)"); return 2; }

        var sets = set switch
        {
            "mricron" => new[] { ("mricron", MricronFiles()) },
            "nibabel" => new[] { ("nibabel", NibabelSet()) },
            "all" => new[] { ("mricron", MricronFiles()), ("nibabel", NibabelSet()) },
            _ => throw new ArgumentException("--set must be mricron, nibabel or all"),
        };
        Console.WriteLine("preprocess-e2e: " + BenchEnvironment.Describe());
        Console.WriteLine($"ours: dotnet {spark3d} preprocess -j J --timings; Python: /usr/bin/python3 {script} -j J; {reps} paired runs after a warm-up, medians");
        string work = Directory.CreateTempSubdirectory("spark3d-e2e-").FullName;
        try
        {
            foreach (var (name, files) in sets)
            {
                if (files.Count == 0) { Console.WriteLine($"set {name}: no files (install mricron-data / python3-nibabel)"); continue; }
                string input = Path.Combine(work, name + "-in");
                Directory.CreateDirectory(input);
                foreach (string f in files) File.CreateSymbolicLink(Path.Combine(input, Path.GetFileName(f)), f);
                Console.WriteLine();
                Console.WriteLine($"set {name}: {string.Join(", ", files.Select(Path.GetFileName))}");
                foreach (int j in jobs) Measure(name, files, input, work, j, reps, spark3d, script, baseline);
            }
            Console.WriteLine($"\nload after: {BenchEnvironment.LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static List<string> MricronFiles() =>
        Mricron.Select(n => Path.Combine(Templates, n + ".nii.gz")).Where(File.Exists).ToList();

    private static List<string> NibabelSet() =>
        NibabelFiles.Select(n => Path.Combine(NibabelData, n)).Where(File.Exists).ToList();

    /// <summary>One process run: wall, user and system seconds, peak RSS (MB) and its standard output.</summary>
    private sealed record RunResult(double Wall, double User, double Sys, double RssMb, string Stdout)
    {
        public double Cpu => User + Sys;
    }

    private static void Measure(string set, List<string> files, string input, string work, int jobs, int reps, string spark3d, string script, string? baseline)
    {
        string oursOut = Path.Combine(work, $"{set}-ours"), pyOut = Path.Combine(work, $"{set}-py");
        RunResult Ours()
        {
            if (Directory.Exists(oursOut)) Directory.Delete(oursOut, recursive: true);
            return Timed("dotnet", [spark3d, "preprocess", "--input", input, "--output", oursOut, "-j", jobs.ToString(CultureInfo.InvariantCulture), "--timings"], work);
        }
        RunResult Python()
        {
            if (Directory.Exists(pyOut)) Directory.Delete(pyOut, recursive: true);
            return Timed("/usr/bin/python3", [script, pyOut, "-j", jobs.ToString(CultureInfo.InvariantCulture), .. files], work);
        }
        string baseOut = Path.Combine(work, $"{set}-base");
        RunResult Base()
        {
            if (Directory.Exists(baseOut)) Directory.Delete(baseOut, recursive: true);
            return Timed("dotnet", [baseline!, "preprocess", "--input", input, "--output", baseOut, "-j", jobs.ToString(CultureInfo.InvariantCulture)], work);
        }
        Ours();
        Python(); // warm-up: page cache, dotnet's and Python's own files
        if (baseline is not null) Base();
        var ours = new List<RunResult>();
        var py = new List<RunResult>();
        var before = new List<RunResult>();
        string loadBefore = BenchEnvironment.LoadAverage();
        var sides = new List<Action> { () => ours.Add(Ours()), () => py.Add(Python()) };
        if (baseline is not null) sides.Add(() => before.Add(Base()));
        for (int r = 0; r < reps; r++)
            for (int k = 0; k < sides.Count; k++) sides[(r + k) % sides.Count](); // rotate who goes first

        double oursWall = Median.Of(ours.Select(o => o.Wall)), pyWall = Median.Of(py.Select(p => p.Wall));
        double pairRatio = Median.Of(ours.Zip(py, (o, p) => p.Wall / o.Wall));
        var (largestGrid, grids) = LargestGrid(files, oursOut);
        double rss = Median.Of(ours.Select(o => o.RssMb));
        Console.WriteLine();
        Console.WriteLine(F($"-j {jobs} (Python: {(jobs > 1 ? $"process pool of {jobs}" : "one process")}), load before {loadBefore}, after {BenchEnvironment.LoadAverage()}"));
        Console.WriteLine("| side | wall s | CPU s (user + sys) | sys s | peak RSS MB |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine(F($"| spark3d preprocess | {oursWall:F3} | {Median.Of(ours.Select(o => o.Cpu)):F3} | {Median.Of(ours.Select(o => o.Sys)):F3} | {rss:F0} |"));
        Console.WriteLine(F($"| Python (nibabel + scipy) | {pyWall:F3} | {Median.Of(py.Select(p => p.Cpu)):F3} | {Median.Of(py.Select(p => p.Sys)):F3} | {Median.Of(py.Select(p => p.RssMb)):F0} |"));
        if (before.Count > 0)
        {
            Console.WriteLine(F($"| before ({baseline}) | {Median.Of(before.Select(o => o.Wall)):F3} | {Median.Of(before.Select(o => o.Cpu)):F3} | {Median.Of(before.Select(o => o.Sys)):F3} | {Median.Of(before.Select(o => o.RssMb)):F0} |"));
            Console.WriteLine(F($"before: {Median.Of(before.Zip(py, (o, p) => p.Wall / o.Wall)):F2}x Python (median of paired ratios); now {Median.Of(before.Select(o => o.Wall)) / oursWall:F2}x faster than before"));
        }
        bool speedOk = pairRatio >= SpeedGoal, rssOk = rss <= RssGoal * largestGrid;
        Console.WriteLine(F($"speed-up (median of paired wall ratios): {pairRatio:F2}x (ratio of medians {pyWall / oursWall:F2}x; goal ≥ {SpeedGoal}x{(jobs == 1 && set == "mricron" ? speedOk ? " ok" : " MISS" : ", goal set on the mricron set at -j 1")})"));
        Console.WriteLine(F($"peak RSS: {rss:F0} MB = {rss / largestGrid:F2}x the largest float32 grid ({largestGrid:F1} MB, {grids}); goal ≤ {RssGoal}x{(rssOk ? " ok" : " MISS")}"));
        StageTable(ours, oursWall);
        Agreement(files, oursOut, pyOut);
    }

    private static void StageTable(List<RunResult> ours, double wall)
    {
        var perRun = ours.Select(o => ParseTimings(o.Stdout)).Where(t => t is not null).Select(t => t!).ToList();
        if (perRun.Count == 0) { Console.WriteLine("(no --timings line in our output)"); return; }
        var names = perRun[0].Keys.ToList();
        Console.WriteLine("our stages (seconds summed over volumes, median over runs; convert = byte swap only, conversion to float32 is fused " +
                          "into the crop/statistics/resample readers; start-up & rest = wall − total, i.e. runtime start, jemalloc re-exec, JIT, manifest):");
        Console.WriteLine("| " + string.Join(" | ", names.Append("start-up & rest")) + " |");
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", names.Count + 1)));
        double total = Median.Of(perRun.Select(t => t["total"]));
        Console.WriteLine("| " + string.Join(" | ", names.Select(n => F($"{Median.Of(perRun.Select(t => t[n])):F3}")).Append(F($"{wall - total:F3}"))) + " |");
    }

    private static Dictionary<string, double>? ParseTimings(string stdout)
    {
        const string prefix = "stage seconds (summed over volumes) ";
        string? line = stdout.Split('\n').FirstOrDefault(l => l.Contains(prefix, StringComparison.Ordinal));
        if (line is null) return null;
        using var doc = JsonDocument.Parse(line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..]);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    /// <summary>The largest float32 grid of the run, MB: any input volume (as read) or output volume (from our manifest).</summary>
    private static (double Mb, string Which) LargestGrid(List<string> files, string oursOut)
    {
        double best = 0;
        string which = "";
        foreach (string f in files)
        {
            var h = NiftiReader.ReadHeader(f);
            double mb = h.Shape.Count * 4 / 1e6;
            if (mb > best) { best = mb; which = $"{Path.GetFileName(f)} input {h.Shape}"; }
        }
        using var manifest = DatasetManifest.Load(Path.Combine(oursOut, "manifest.jsonl"));
        foreach (var e in manifest.Entries.Where(e => e.NewShape is not null))
        {
            double mb = e.NewShape!.Value.Count * 4 / 1e6;
            if (mb > best) { best = mb; which = $"{e.Id} output {e.NewShape}"; }
        }
        return (best, which);
    }

    /// <summary>Our cache files against Python's .npy outputs: same shape, and the largest voxel difference.</summary>
    private static void Agreement(List<string> files, string oursOut, string pyOut)
    {
        var parts = new List<string>();
        using var manifest = DatasetManifest.Load(Path.Combine(oursOut, "manifest.jsonl"));
        foreach (string f in files)
        {
            string id = Path.GetFileName(f).Split('.')[0];
            string s3d = Path.Combine(oursOut, id + ".s3d"), npy = Path.Combine(pyOut, id + ".npy");
            if (manifest.LatestById.TryGetValue(id, out var entry) && entry.Status == ManifestStatus.Failed)
            {
                parts.Add($"{id}: refused by ours ({entry.Reason?.Split(':')[0]})");
                continue;
            }
            if (!File.Exists(s3d) || !File.Exists(npy)) { parts.Add($"{id}: missing output"); continue; }
            using var file = ChunkedVolumeFile.Open(s3d);
            var ours = file.ReadAll();
            var (shape, data) = ReadNpy(npy);
            if (shape.Length != 3 || shape[0] != ours.Shape.X || shape[1] != ours.Shape.Y || shape[2] != ours.Shape.Z)
            {
                parts.Add($"{id}: shape {ours.Shape} vs Python ({string.Join(", ", shape)})");
                continue;
            }
            double max = 0;
            for (int x = 0; x < shape[0]; x++)
                for (int y = 0; y < shape[1]; y++)
                    for (int z = 0; z < shape[2]; z++)
                        max = Math.Max(max, Math.Abs(ours[x, y, z] - data[((long)x * shape[1] + y) * shape[2] + z]));
            parts.Add(F($"{id} {max:E1}"));
        }
        Console.WriteLine("same grid as Python, max |ours − Python| of the z-scored voxels: " + string.Join("; ", parts));
    }

    /// <summary>A float32 little-endian C-order .npy (what np.save writes for the pipeline's output).</summary>
    private static (int[] Shape, float[] Data) ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        // magic \x93NUMPY, major version at 6, header length at 8 (uint16 in version 1, uint32 after)
        bool v1 = bytes[6] == 1;
        int headerStart = v1 ? 10 : 12;
        int headerLen = v1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int dataStart = headerStart + headerLen;
        string header = System.Text.Encoding.ASCII.GetString(bytes, headerStart, headerLen);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected little-endian float32 in C order: {header}");
        string dims = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        dims = dims[..dims.IndexOf(')', StringComparison.Ordinal)];
        var shape = dims.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var data = new float[(bytes.Length - dataStart) / 4];
        Buffer.BlockCopy(bytes, dataStart, data, 0, data.Length * 4);
        return (shape, data);
    }

    private static RunResult Timed(string program, string[] args, string work)
    {
        string timeFile = Path.Combine(work, "time.txt");
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-f", "%e %U %S %M", "-o", timeFile, program }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({p.ExitCode}): {err.Result}\n{stdout}");
        var t = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new RunResult(t[0], t[1], t[2], t[3] * 1024 / 1e6, stdout); // %M is KiB
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
