using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Bench;

/// <summary>
/// `nifti-decode [--rounds N] [--min-sample-ms M] [FILES...]`: decode speed of <see cref="NiftiReader"/> against nibabel 5.0
/// (bench/python/nifti_decode.py, get_fdata(float32)) on the same files, per file. Goal: ≥ 1.5× nibabel on every file.
/// Default files: every NIfTI file of the mricron templates (.nii.gz) and of nibabel's test data (the goal applies to
/// these), plus plain .nii copies of the templates (informational). Both sides decode every volume to float32 after
/// scaling, single-threaded, in one pass over a 4-D file. Ours is timed two ways:
/// <list type="bullet">
/// <item>the preprocessing's path, which the goal applies to (what `spark3d preprocess` runs for every volume):
/// <see cref="NiftiReader.ReadRaw(string, int, int?, StageTimings?)"/> into a pooled buffer, converted row by row
/// (<see cref="VoxelSource.CopyTo"/>) into a pooled float32 buffer, both returned after the decode, as nibabel's malloc
/// takes back its array when the loop drops it;</item>
/// <item><see cref="NiftiReader.ReadAll"/>, which returns fresh arrays (one-off reads: info, predict, fine-tuning), shown
/// for comparison: in a hot loop its time is mostly the GC handing the freed array's pages back and faulting them in
/// again (docs/nifti.md).</item>
/// </list>
/// Method: the bench runs with the host's JIT settings (TieredCompilation=false, see the csproj); two warm-up decodes
/// per file and path; N rounds alternating ours (all files, both paths) and nibabel (all files, a fresh process per
/// round), each sample timing enough decodes in a row to last M ms (small files decode in microseconds); per-file
/// medians over rounds of process CPU seconds per decode (the fair measure on a shared, loaded machine) and of wall seconds.
/// </summary>
internal static class NiftiDecodeBench
{
    private const string Templates = "/usr/share/mricron/templates";
    private const string NibabelData = "/usr/lib/python3/dist-packages/nibabel/tests/data";
    private const double Goal = 1.5;

    public static int Run(string[] args)
    {
        int rounds = 7;
        double minSampleMs = 40;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--reps" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--min-sample-ms" && i + 1 < args.Length) minSampleMs = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else files.Add(args[i]);
        }
        string temp = Directory.CreateTempSubdirectory("nifti-bench-").FullName;
        try
        {
            if (files.Count == 0) files = DefaultFiles(temp);
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"no files: install mricron-data ({Templates}) and python3-nibabel, or pass files");
                return 2;
            }
            Console.WriteLine("nifti-decode: " + BenchEnvironment.Describe());
            // Warm-up (JIT, page cache) and the number of decodes per sample, from our second decode's time.
            var readable = new List<(string File, long Bytes, int Count)>();
            var freshCounts = new Dictionary<string, int>();
            foreach (string f in files)
            {
                try
                {
                    readable.Add((f, VoxelBytes(f), DecodesPerSample(f, DecodePooled, minSampleMs)));
                    freshCounts[f] = DecodesPerSample(f, DecodeAll, minSampleMs);
                }
                catch (NiftiFormatException e)
                {
                    Console.WriteLine($"  skipped {Label(f)}: ours cannot read it ({e.Problem})");
                }
            }
            var ours = readable.ToDictionary(r => r.File, _ => new List<Timing>());
            var fresh = readable.ToDictionary(r => r.File, _ => new List<Timing>());
            var theirs = readable.ToDictionary(r => r.File, _ => new List<Timing>());
            var nibErrors = new Dictionary<string, string>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (file, _, count) in readable)
                {
                    ours[file].Add(TimeOurs(file, DecodePooled, count));
                    fresh[file].Add(TimeOurs(file, DecodeAll, freshCounts[file]));
                }
                foreach (var (file, t) in TimeNibabel(readable))
                {
                    if (t.Error is not null) nibErrors[file] = t.Error;
                    else theirs[file].Add(t.Timing);
                }
            }
            Console.WriteLine($"load after: {BenchEnvironment.LoadAverage()}");
            return Report(readable, ours, fresh, theirs, nibErrors);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The .nii.gz templates, each also decompressed to a plain .nii in <paramref name="temp"/>, and nibabel's NIfTI test files.</summary>
    private static List<string> DefaultFiles(string temp)
    {
        var result = new List<string>();
        if (Directory.Exists(Templates))
        {
            var gz = Directory.GetFiles(Templates, "*.nii.gz").Order(StringComparer.Ordinal).ToList();
            result.AddRange(gz);
            foreach (string f in gz)
            {
                string target = Path.Combine(temp, Path.GetFileName(f)[..^3]);
                using var input = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
                using var output = File.Create(target);
                input.CopyTo(output);
                result.Add(target);
            }
        }
        if (Directory.Exists(NibabelData))
            result.AddRange(Directory.EnumerateFiles(NibabelData)
                .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal) || f.EndsWith(".hdr", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal));
        return result;
    }

    private static long VoxelBytes(string file)
    {
        var h = NiftiReader.ReadHeader(file);
        long n = h.BytesPerVoxel;
        for (int i = 1; i <= h.Dims[0]; i++) n *= h.Dims[i];
        return n;
    }

    /// <summary>Warms <paramref name="decode"/> up on <paramref name="file"/> and returns how many decodes in a row last <paramref name="minSampleMs"/>.</summary>
    private static int DecodesPerSample(string file, Action<string> decode, double minSampleMs)
    {
        decode(file);
        var sw = Stopwatch.StartNew();
        decode(file);
        return (int)Math.Clamp(Math.Ceiling(minSampleMs / 1000 / Math.Max(sw.Elapsed.TotalSeconds, 1e-7)), 1, 20000);
    }

    /// <summary>Every volume, as nibabel's get_fdata does for 4-D files (one pass: <see cref="NiftiReader.ReadAll"/>), into fresh arrays.</summary>
    private static void DecodeAll(string file) => GC.KeepAlive(NiftiReader.ReadAll(file));

    /// <summary>
    /// Every volume the way `spark3d preprocess` decodes one (CacheVolumeBuilder): the raw elements into a pooled buffer,
    /// converted row by row into a pooled float32 buffer; both go back to the pool when the decode is done.
    /// </summary>
    private static void DecodePooled(string file)
    {
        var (header, _, raw) = NiftiReader.ReadRaw(file, 0, volumeCount: null, null);
        using (raw)
        {
            float[] floats = VoxelArrays.Rent<float>(checked((int)raw.Count));
            raw.CopyTo(floats, header.Shape.X);
            System.Buffers.ArrayPool<float>.Shared.Return(floats);
        }
    }

    private static Timing TimeOurs(string file, Action<string> decode, int count)
    {
        double cpu0 = BenchEnvironment.ProcessCpuSeconds();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) decode(file);
        double wall = sw.Elapsed.TotalSeconds;
        return new Timing((BenchEnvironment.ProcessCpuSeconds() - cpu0) / count, wall / count);
    }

    /// <summary>Process CPU seconds and wall seconds of one decode.</summary>
    private readonly record struct Timing(double Cpu, double Wall);

    private static IEnumerable<(string File, (Timing Timing, string? Error) Result)> TimeNibabel(List<(string File, long Bytes, int Count)> files)
    {
        string script = FindUp("bench/python/nifti_decode.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("1");
        foreach (var (f, _, count) in files) psi.ArgumentList.Add(f + ":" + count.ToString(CultureInfo.InvariantCulture));
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("nibabel side failed: " + err.Result);
        using var doc = JsonDocument.Parse(json);
        var results = new List<(string, (Timing, string?))>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string file = e.GetProperty("file").GetString()!;
            if (e.TryGetProperty("error", out var error)) results.Add((file, (default, error.GetString())));
            else results.Add((file, (new Timing(e.GetProperty("cpu")[0].GetDouble(), e.GetProperty("seconds")[0].GetDouble()), null)));
        }
        return results;
    }

    private static int Report(List<(string File, long Bytes, int Count)> files, Dictionary<string, List<Timing>> ours,
        Dictionary<string, List<Timing>> fresh, Dictionary<string, List<Timing>> theirs, Dictionary<string, string> nibErrors)
    {
        Console.WriteLine($"per-file medians over rounds; MB/s = uncompressed voxel MB per second of process CPU time; goal ≥ {Goal}× nibabel on every real file,");
        Console.WriteLine("for the preprocessing's decode (pooled buffers, as `spark3d preprocess` reads each volume); NiftiReader.ReadAll (fresh arrays) for comparison");
        var real = files.Where(f => IsReal(f.File)).ToList();
        var plain = files.Where(f => !IsReal(f.File)).ToList();
        var (misses, compared, freshMisses) = Table("real files (mricron templates, nibabel test data)", real, ours, fresh, theirs, nibErrors, withGoal: true);
        if (plain.Count > 0)
            Table("plain .nii copies of the templates (informational, no goal: uncompressed decoding is a read and a widening copy on " +
                  "both sides, memory-bound)", plain, ours, fresh, theirs, nibErrors, withGoal: false);
        Console.WriteLine($"goal: {compared - misses} of {compared} real files at ≥ {Goal}x (preprocessing's decode); " +
                          $"ReadAll with fresh arrays: {compared - freshMisses} of {compared}");
        return 0;
    }

    private static (int Misses, int Compared, int FreshMisses) Table(string title, List<(string File, long Bytes, int Count)> files,
        Dictionary<string, List<Timing>> ours, Dictionary<string, List<Timing>> fresh, Dictionary<string, List<Timing>> theirs,
        Dictionary<string, string> nibErrors, bool withGoal)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"{"file",-46} {"MB",8} {"decodes",8} {"ours MB/s",10} {"nibabel MB/s",13} {"CPU ratio",10} {"wall ratio",11}{(withGoal ? " goal" : "     ")} {"ReadAll MB/s",13} {"CPU ratio",10}");
        double worst = double.PositiveInfinity;
        string worstFile = "";
        int misses = 0, freshMisses = 0, compared = 0;
        double sumOurs = 0, sumFresh = 0, sumNib = 0;
        foreach (var (file, bytes, count) in files)
        {
            if (nibErrors.TryGetValue(file, out string? error))
            {
                Console.WriteLine($"{Label(file),-46} nibabel cannot decode it ({error}); not compared");
                continue;
            }
            var o = MedianOf(ours[file]);
            var f = MedianOf(fresh[file]);
            var n = MedianOf(theirs[file]);
            double mb = bytes / 1e6, ratio = n.Cpu / o.Cpu, freshRatio = n.Cpu / f.Cpu;
            compared++;
            sumOurs += o.Cpu;
            sumFresh += f.Cpu;
            sumNib += n.Cpu;
            if (ratio < worst) { worst = ratio; worstFile = Label(file); }
            bool ok = ratio >= Goal;
            if (!ok) misses++;
            if (freshRatio < Goal) freshMisses++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Label(file),-46} {mb,8:F3} {count,8} {mb / o.Cpu,10:F1} {mb / n.Cpu,13:F1} {ratio,9:F2}x {n.Wall / o.Wall,10:F2}x{(withGoal ? ok ? " ok  " : " MISS" : "     ")} {mb / f.Cpu,13:F1} {freshRatio,9:F2}x"));
        }
        if (compared > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{compared} files: worst {worst:F2}x ({worstFile}), total CPU ratio {sumNib / sumOurs:F2}x{(withGoal ? $", {misses} below {Goal}x" : "")}; " +
                $"ReadAll total CPU ratio {sumNib / sumFresh:F2}x, {freshMisses} below {Goal}x"));
        return (misses, compared, freshMisses);
    }

    private static Timing MedianOf(List<Timing> timings) => new(Median.Of(timings.Select(t => t.Cpu)), Median.Of(timings.Select(t => t.Wall)));

    private static bool IsReal(string file) =>
        file.StartsWith(Templates, StringComparison.Ordinal) || file.StartsWith(NibabelData, StringComparison.Ordinal);

    private static string Label(string file) => Path.GetFileName(file) + (IsReal(file) ? "" : " (plain)");

    internal static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("cannot find " + relative + " above " + AppContext.BaseDirectory);
    }
}
