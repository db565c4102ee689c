using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;

namespace Spark3D.Bench;

/// <summary>
/// "cluster-scaling": the same phantom set preprocessed by `spark3d preprocess --cluster --work false` with 1, then 2
/// `spark3d node` worker processes, each pinned to its own core with `taskset -c N` (one job in flight each).
/// Throughput = volumes / (first lease → last result), the working time the coordinator prints. Goal: 2 workers ≥ 1.8×.
/// Control (same machine, no cluster): 1, then 2 plain `spark3d preprocess -j 1` processes pinned the same way, each
/// on its share of the set. Its speed-up is what this machine allows two pinned processes at all (shared kernel, page
/// cache and disk); cluster speed-up / control speed-up is the part the cluster itself keeps.
/// Runs alternate (1, 2, 1, 2 …) --repeat times; best and median are reported (the machine may be shared).
/// Usage: cluster-scaling [--count 96] [--repeat 3] [--cores 0,1] [--define KEY=VALUE]... [--no-control]
///        [--spark3d path/to/spark3d.dll]  (build src/Spark3D.Host -c Release first). --define goes to every process.
/// </summary>
internal static partial class ClusterScalingBench
{
    public static int Run(string[] args)
    {
        int count = BenchArgs.Int(args, "--count", 96);
        int repeat = BenchArgs.Int(args, "--repeat", 3);
        int[] cores = BenchArgs.String(args, "--cores", "0,1").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        string[] defines = BenchArgs.All(args, "--define").SelectMany(d => new[] { "-D", d }).ToArray();
        bool control = !args.Contains("--no-control");
        string dll = BenchArgs.String(args, "--spark3d", FindSpark3D());
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"cluster-scaling: {dll} not found; run `dotnet build src/Spark3D.Host -c Release` first or pass --spark3d");
            return 2;
        }
        if (cores.Length < 2)
        {
            Console.Error.WriteLine("cluster-scaling: --cores needs two core ids");
            return 2;
        }
        string dir = Directory.CreateTempSubdirectory("spark3d-cluster-scaling-").FullName;
        try
        {
            string input = Path.Combine(dir, "in");
            Directory.CreateDirectory(input);
            var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 3 });
            Parallel.For(0, count, i => NiftiWriter.Write(Path.Combine(input, $"v{i:D3}.nii.gz"), gen.Generate(i).Image));
            string[] halves = SplitInput(input, dir, 2);
            Console.WriteLine($"{count} default phantoms (≤104³, resampled to 1 mm); machine: {Environment.ProcessorCount} cores; " +
                $"settings: {(defines.Length == 0 ? "defaults" : string.Join(' ', defines))}");
            Console.WriteLine("| run | processes | pinned cores | volumes | wall s | items/s | sum of per-node items/s | worker CPU s | cores' worth used (CPU s / wall) | items per worker CPU s |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            var one = new List<double>();
            var two = new List<double>();
            var solo = new List<double>();
            var pair = new List<double>();
            for (int r = 0; r < repeat; r++)
            {
                one.Add(Measure(dll, input, Path.Combine(dir, $"out1-{r}"), cores.Take(1).ToArray(), count, defines));
                two.Add(Measure(dll, input, Path.Combine(dir, $"out2-{r}"), cores.Take(2).ToArray(), count, defines));
                if (control)
                {
                    solo.Add(MeasureIndependent(dll, [input], Path.Combine(dir, $"ctl1-{r}"), cores.Take(1).ToArray(), count, defines));
                    pair.Add(MeasureIndependent(dll, halves, Path.Combine(dir, $"ctl2-{r}"), cores.Take(2).ToArray(), count, defines));
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cluster speed-up 2 vs 1 worker: best {two.Max() / one.Max():f2}×, median {Median(two) / Median(one):f2}× (of {repeat}); goal ≥ 1.8×"));
            if (control)
            {
                double ceiling = Median(pair) / Median(solo);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"control, 2 vs 1 independent pinned processes, no cluster: best {pair.Max() / solo.Max():f2}×, median {ceiling:f2}× " +
                    $"(this machine's ceiling); cluster keeps {Median(two) / Median(one) / ceiling:P0} of it"));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One cluster run; returns items/s from the coordinator's view (first lease → done).</summary>
    private static double Measure(string dll, string input, string output, int[] cores, int count, string[] defines)
    {
        int port = FreePort();
        using var coordinator = new Child("dotnet", [dll, "preprocess", "--cluster", "--input", input, "--output", output, "--port",
            port.ToString(CultureInfo.InvariantCulture), "--work", "false", .. defines]);
        // As a user would: workers are started once the coordinator says how to join.
        var ready = Stopwatch.StartNew();
        while (!coordinator.Lines.Any(l => l.Text.Contains("workers join with", StringComparison.Ordinal)))
        {
            if (coordinator.HasExited || ready.Elapsed > TimeSpan.FromMinutes(1))
                throw new InvalidOperationException("coordinator did not start:\n" + string.Join('\n', coordinator.Lines.Select(l => l.Text)));
            Thread.Sleep(50);
        }
        var workers = cores.Select(c => new Child("taskset", ["-c", c.ToString(CultureInfo.InvariantCulture), "dotnet", dll, "node", "--role", "preprocess",
            "--seed", $"127.0.0.1:{port}", "-D", "spark3d.cluster.worker-parallelism=1", .. defines])).ToList();
        try
        {
            if (!coordinator.WaitForExit(TimeSpan.FromMinutes(10)) || coordinator.ExitCode != 0)
                throw new InvalidOperationException("coordinator failed:\n" + string.Join('\n', coordinator.Lines.Select(l => l.Text)));
            foreach (var w in workers) w.WaitForExit(TimeSpan.FromSeconds(30));
            double cpu = workers.SelectMany(w => Numbers(w, CpuRegex())).Sum();
            double wall = Numbers(coordinator, WorkingRegex()).LastOrDefault(); // first lease → last result
            if (wall <= 0) throw new InvalidOperationException("coordinator printed no working time");
            double nodeSum = Numbers(coordinator, NodeRegex()).Sum();
            double rate = count / wall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| cluster | {cores.Length} worker(s) | {string.Join(',', cores)} | {count} | {wall:f1} | {rate:f2} | {nodeSum:f2} | {cpu:f1} | {cpu / wall:f2} | {count / cpu:f2} |"));
            return rate;
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
            DeleteOutput(output);
        }
    }

    /// <summary>The no-cluster control: one plain `spark3d preprocess -j 1` per core, each on its own input folder.</summary>
    private static double MeasureIndependent(string dll, string[] inputs, string output, int[] cores, int count, string[] defines)
    {
        var runs = cores.Select((c, i) => new Child("taskset", ["-c", c.ToString(CultureInfo.InvariantCulture), "dotnet", dll, "preprocess",
            "--input", inputs[i], "--output", Path.Combine(output, i.ToString(CultureInfo.InvariantCulture)), "-j", "1", .. defines])).ToList();
        try
        {
            double wall = 0;
            foreach (var run in runs)
            {
                if (!run.WaitForExit(TimeSpan.FromMinutes(10)) || run.ExitCode != 0)
                    throw new InvalidOperationException("preprocess failed:\n" + string.Join('\n', run.Lines.Select(l => l.Text)));
                double elapsed = Numbers(run, LocalSummaryRegex()).LastOrDefault();
                if (elapsed <= 0) throw new InvalidOperationException("preprocess printed no summary line");
                wall = Math.Max(wall, elapsed);
            }
            double rate = count / wall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| control | {cores.Length} plain process(es) | {string.Join(',', cores)} | {count} | {wall:f1} | {rate:f2} | | | | |"));
            return rate;
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
            DeleteOutput(output);
        }
    }

    /// <summary>The first group of <paramref name="regex"/>, as a number, in every output line of <paramref name="child"/> that matches.</summary>
    private static IEnumerable<double> Numbers(Child child, Regex regex) =>
        child.Lines.Select(l => regex.Match(l.Text)).Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    // Each run writes ~2 GB of float32 cache; kept, it fills the page cache and the later runs pay for its reclaim.
    private static void DeleteOutput(string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    /// <summary>Symlinks the input files round-robin into <paramref name="parts"/> folders (the control's shares).</summary>
    private static string[] SplitInput(string input, string dir, int parts)
    {
        var folders = Enumerable.Range(0, parts).Select(i => Directory.CreateDirectory(Path.Combine(dir, $"in-part{i}")).FullName).ToArray();
        var files = Directory.GetFiles(input).Order(StringComparer.Ordinal).ToArray();
        for (int i = 0; i < files.Length; i++)
            File.CreateSymbolicLink(Path.Combine(folders[i % parts], Path.GetFileName(files[i])), files[i]);
        return folders;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    [GeneratedRegex(@"^spark3d preprocess --cluster: \d+ volumes: .*\(working ([0-9.]+) s")]
    private static partial Regex WorkingRegex();

    [GeneratedRegex(@"^spark3d preprocess: \d+ volumes: .* in ([0-9.]+) s;")]
    private static partial Regex LocalSummaryRegex();

    [GeneratedRegex(@"; cpu ([0-9.]+) s$")]
    private static partial Regex CpuRegex();

    [GeneratedRegex(@"^\s+node .*, ([0-9.]+) items/s$")]
    private static partial Regex NodeRegex();

    private static string FindSpark3D()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Spark3D.sln")))
                return Path.Combine(d.FullName, "src", "Spark3D.Host", "bin", "Release", "net10.0", "spark3d.dll");
        return "spark3d.dll";
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A child process whose output lines are kept with their arrival time.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _p;
        private readonly ConcurrentQueue<(DateTime At, string Text)> _lines = new();

        public Child(string file, string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            _p = new Process { StartInfo = psi };
            _p.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue((DateTime.UtcNow, e.Data)); };
            _p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue((DateTime.UtcNow, e.Data)); };
            _p.Start();
            _p.BeginOutputReadLine();
            _p.BeginErrorReadLine();
        }

        public IReadOnlyList<(DateTime At, string Text)> Lines => _lines.ToArray();

        public int ExitCode => _p.ExitCode;

        public bool HasExited => _p.HasExited;

        public bool WaitForExit(TimeSpan t)
        {
            if (!_p.WaitForExit(t)) return false;
            _p.WaitForExit();
            return true;
        }

        public void Dispose()
        {
            try
            {
                if (!_p.HasExited) _p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            _p.Dispose();
        }
    }
}
