using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Bench;

/// <summary>
/// `resample`: ch2better (0.5 mm) → 1 mm, ours (trilinear, cubic B-spline) vs scipy.ndimage.zoom order 1 / order 3,
/// side by side in one run. bench/python/resample.py loads the file with nibabel, times scipy and dumps the raw input
/// and its results; we time ours on the same voxels and check the results agree.
/// Options: --file PATH (default /usr/share/mricron/templates/ch2better.nii.gz), --repeats N (default 3).
/// </summary>
internal static class ResampleBench
{
    public static int Run(string[] args)
    {
        string file = Option(args, "--file") ?? "/usr/share/mricron/templates/ch2better.nii.gz";
        int repeats = int.Parse(Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture);
        var folder = Directory.CreateTempSubdirectory("spark3d-bench-resample-").FullName;
        try
        {
            var script = Path.Combine(RepoRoot(), "bench", "python", "resample.py");
            Console.WriteLine($"resample: {file} → 1 mm; scipy side (single-threaded) running…");
            using var py = JsonDocument.Parse(RunPython(script, file, folder, "--target", "1", "1", "1", "--repeats", repeats.ToString(CultureInfo.InvariantCulture)));
            var root = py.RootElement;
            double scipy1 = root.GetProperty("order1_s").GetDouble();
            double scipy3 = root.GetProperty("order3_s").GetDouble();
            var input = Load(folder, "input");
            var target = Spacing3.Isotropic1mm;
            var (ours1, out1) = Time(() => Resampler.Resample(input, target, Interpolation.Trilinear), repeats);
            var (ours3, out3) = Time(() => Resampler.Resample(input, target, Interpolation.CubicBSpline), repeats);
            double err1 = MaxError(out1, Load(folder, "order1")), err3 = MaxError(out3, Load(folder, "order3"));
            Console.WriteLine($"input {input.Shape} @ {input.Spacing} → output {out1.Shape} @ {out1.Spacing}; {Environment.ProcessorCount} cores; " +
                              $"scipy {root.GetProperty("scipy").GetString()}, nibabel {root.GetProperty("nibabel").GetString()}");
            Console.WriteLine($"{"method",-28}{"scipy s",10}{"ours s",10}{"speed-up",10}{"goal",6}{"max |diff|/range",18}");
            Report("trilinear (zoom order 1)", scipy1, ours1, 5, err1);
            Report("cubic B-spline (order 3)", scipy3, ours3, 2, err3);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Report(string name, double scipy, double ours, double goal, double err) =>
        Console.WriteLine($"{name,-28}{scipy,10:F3}{ours,10:F3}{scipy / ours,9:F1}x{(scipy / ours >= goal ? " ok" : " MISS"),6}{err,18:E2}");

    private static (double Seconds, Volume Result) Time(Func<Volume> f, int repeats)
    {
        var result = f(); // warm-up (JIT, thread pool)
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            result = f();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return (best, result);
    }

    private static double MaxError(Volume ours, Volume reference)
    {
        if (ours.Shape != reference.Shape) throw new InvalidOperationException($"shape {ours.Shape} vs scipy {reference.Shape}");
        double max = 0, range = 0;
        for (int i = 0; i < ours.Voxels.Length; i++)
        {
            max = Math.Max(max, Math.Abs(ours.Voxels[i] - reference.Voxels[i]));
            range = Math.Max(range, Math.Abs(reference.Voxels[i]));
        }
        return max / Math.Max(range, 1e-30);
    }

    private static string RunPython(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed: {stderr.Result}");
        return stdout;
    }

    /// <summary>Reads NAME.f32 (float32, X fastest) + NAME.json written by resample.py.</summary>
    private static Volume Load(string folder, string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, name + ".json")));
        var r = json.RootElement;
        var shape = r.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var spacing = r.GetProperty("spacing").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var affine = r.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var bytes = File.ReadAllBytes(Path.Combine(folder, name + ".f32"));
        var voxels = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, voxels, 0, bytes.Length);
        return new Volume(voxels, new Shape3(shape[0], shape[1], shape[2]), new Spacing3(spacing[0], spacing[1], spacing[2]), new Affine(affine));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Spark3D.sln"))) return d.FullName;
        throw new InvalidOperationException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }
}
