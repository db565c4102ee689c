using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Spark3D.Data.Nifti;

namespace Spark3D.Bench;

/// <summary>
/// `nifti-decode [--reps N] [FILES...]`: decode MB/s (uncompressed voxel bytes per second, output float32 after
/// scaling) of <see cref="NiftiReader"/> vs nibabel 5.0 (bench/python/nifti_decode.py, get_fdata(float32)) on the
/// same files in the same run. Default files: the mricron templates (.nii.gz) plus .nii copies of them. Goal:
/// ≥ 1.5× nibabel on .nii.gz. Median of N timed runs after one warm-up, single thread on both sides. Both the
/// process CPU time (the fair measure on a shared, loaded machine) and the wall time are reported.
/// </summary>
internal static class NiftiDecodeBench
{
    private const string Templates = "/usr/share/mricron/templates";

    public static int Run(string[] args)
    {
        int reps = 5;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reps" && i + 1 < args.Length) reps = int.Parse(args[++i]);
            else files.Add(args[i]);
        }
        string temp = Directory.CreateTempSubdirectory("nifti-bench-").FullName;
        try
        {
            if (files.Count == 0) files = DefaultFiles(temp);
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"no files: install mricron-data ({Templates}) or pass files");
                return 2;
            }
            var ours = files.Select(f => (File: f, Time: TimeOurs(f, reps), Bytes: VoxelBytes(f))).ToList();
            var theirs = TimeNibabel(files, reps);
            Report(ours, theirs);
            return 0;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The .nii.gz templates, and each also decompressed to a plain .nii in <paramref name="temp"/>.</summary>
    private static List<string> DefaultFiles(string temp)
    {
        if (!Directory.Exists(Templates)) return [];
        var gz = Directory.GetFiles(Templates, "*.nii.gz").Order(StringComparer.Ordinal).ToList();
        var plain = new List<string>();
        foreach (string f in gz)
        {
            string target = Path.Combine(temp, Path.GetFileName(f)[..^3]);
            using var input = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            using var output = File.Create(target);
            input.CopyTo(output);
            plain.Add(target);
        }
        return [.. gz, .. plain];
    }

    private static long VoxelBytes(string file)
    {
        var h = NiftiReader.ReadHeader(file);
        long n = h.BytesPerVoxel;
        for (int i = 1; i <= h.Dims[0]; i++) n *= h.Dims[i];
        return n;
    }

    /// <summary>Reads every volume (as nibabel's get_fdata does for 4-D files) and returns the median seconds.</summary>
    private static Timing TimeOurs(string file, int reps)
    {
        void DecodeAll()
        {
            var first = NiftiReader.Read(file);
            for (int v = 1; v < first.Header.VolumeCount; v++) GC.KeepAlive(NiftiReader.Read(file, v));
        }
        DecodeAll();
        var wall = new List<double>();
        var cpu = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (int r = 0; r < reps; r++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            DecodeAll();
            wall.Add(sw.Elapsed.TotalSeconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpu0).TotalSeconds);
        }
        return new Timing(Median(cpu), Median(wall));
    }

    /// <summary>Median process CPU seconds and wall seconds of one decode.</summary>
    private readonly record struct Timing(double Cpu, double Wall);

    private static Dictionary<string, Timing> TimeNibabel(List<string> files, int reps)
    {
        string script = FindUp("bench/python/nifti_decode.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(reps.ToString());
        foreach (string f in files) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("nibabel side failed: " + err.Result);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().ToDictionary(
            e => e.GetProperty("file").GetString()!,
            e => new Timing(
                Median(e.GetProperty("cpu").EnumerateArray().Select(s => s.GetDouble()).ToList()),
                Median(e.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble()).ToList())));
    }

    private static void Report(List<(string File, Timing Time, long Bytes)> ours, Dictionary<string, Timing> theirs)
    {
        Console.WriteLine("MB/s = uncompressed voxel MB per second of process CPU time (wall-time ratio in the last column)");
        Console.WriteLine($"{"file",-50} {"MB",7} {"ours MB/s",10} {"nibabel MB/s",13} {"ratio",7} {"wall ratio",11}");
        foreach (var (file, t, bytes) in ours)
        {
            double mb = bytes / 1e6;
            var nib = theirs[file];
            Console.WriteLine($"{Label(file),-50} {mb,7:F1} {mb / t.Cpu,10:F1} {mb / nib.Cpu,13:F1} {nib.Cpu / t.Cpu,6:F2}x {nib.Wall / t.Wall,10:F2}x");
        }
        foreach (bool gz in new[] { true, false })
        {
            var group = ours.Where(o => o.File.EndsWith(".gz", StringComparison.Ordinal) == gz).ToList();
            if (group.Count == 0) continue;
            double mb = group.Sum(g => g.Bytes) / 1e6;
            double cpuOurs = group.Sum(g => g.Time.Cpu), cpuNib = group.Sum(g => theirs[g.File].Cpu);
            double wallOurs = group.Sum(g => g.Time.Wall), wallNib = group.Sum(g => theirs[g.File].Wall);
            Console.WriteLine($"{"TOTAL " + (gz ? ".nii.gz" : ".nii"),-50} {mb,7:F1} {mb / cpuOurs,10:F1} {mb / cpuNib,13:F1} {cpuNib / cpuOurs,6:F2}x {wallNib / wallOurs,10:F2}x");
        }
    }

    private static string Label(string file) =>
        Path.GetFileName(file) + (file.StartsWith(Templates, StringComparison.Ordinal) ? "" : " (plain)");

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("cannot find " + relative + " above " + AppContext.BaseDirectory);
    }
}
