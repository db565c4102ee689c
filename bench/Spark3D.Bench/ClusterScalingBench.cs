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
/// Throughput = volumes / (first grant … last result), from the coordinator's progress lines. Goal: 2 workers ≥ 1.8×.
/// Runs alternate (1, 2, 1, 2 …) --repeat times; the best run of each is compared (the machine may be shared).
/// Usage: cluster-scaling [--count 24] [--repeat 1] [--cores 0,1] [--spark3d path/to/spark3d.dll]  (build src/Spark3D.Host -c Release first)
/// </summary>
internal static partial class ClusterScalingBench
{
    public static int Run(string[] args)
    {
        int count = int.Parse(Arg(args, "--count", "24"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(Arg(args, "--repeat", "1"), CultureInfo.InvariantCulture);
        int[] cores = Arg(args, "--cores", "0,1").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        string dll = Arg(args, "--spark3d", FindSpark3D());
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"cluster-scaling: {dll} not found; run `dotnet build src/Spark3D.Host -c Release` first or pass --spark3d");
            return 2;
        }
        string dir = Directory.CreateTempSubdirectory("spark3d-cluster-scaling-").FullName;
        try
        {
            string input = Path.Combine(dir, "in");
            Directory.CreateDirectory(input);
            var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 3 });
            Parallel.For(0, count, i => NiftiWriter.Write(Path.Combine(input, $"v{i:D3}.nii.gz"), gen.Generate(i).Image));
            Console.WriteLine($"{count} default phantoms (≤104³, resampled to 1 mm); machine: {Environment.ProcessorCount} cores, shared with other jobs (numbers are noisy)");
            Console.WriteLine("| workers | pinned cores | volumes | wall s (first grant → done) | items/s | sum of per-node items/s | worker CPU s | cores' worth used (CPU s / wall) | items per worker CPU s |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            (double ItemsPerSecond, double NodeSum) one = (0, 0), two = (0, 0);
            for (int r = 0; r < repeat; r++)
            {
                var a = Measure(dll, input, Path.Combine(dir, $"out1-{r}"), cores.Take(1).ToArray(), count);
                var b = Measure(dll, input, Path.Combine(dir, $"out2-{r}"), cores.Take(2).ToArray(), count);
                one = (Math.Max(one.ItemsPerSecond, a.ItemsPerSecond), Math.Max(one.NodeSum, a.NodeSum));
                two = (Math.Max(two.ItemsPerSecond, b.ItemsPerSecond), Math.Max(two.NodeSum, b.NodeSum));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"speed-up 2 vs 1 worker (best of {repeat}): {two.ItemsPerSecond / one.ItemsPerSecond:f2}× (items/s), {two.NodeSum / one.NodeSum:f2}× (per-node sums); goal ≥ 1.8×"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (double ItemsPerSecond, double NodeSum) Measure(string dll, string input, string output, int[] cores, int count)
    {
        int port = FreePort();
        using var coordinator = new Child("dotnet", [dll, "preprocess", "--cluster", "--input", input, "--output", output, "--port",
            port.ToString(CultureInfo.InvariantCulture), "--work", "false"]);
        var workers = cores.Select(c => new Child("taskset", ["-c", c.ToString(CultureInfo.InvariantCulture), "dotnet", dll, "node", "--role", "preprocess",
            "--seed", $"127.0.0.1:{port}", "-D", "spark3d.cluster.worker-parallelism=1"])).ToList();
        try
        {
            if (!coordinator.WaitForExit(TimeSpan.FromMinutes(10)) || coordinator.ExitCode != 0)
                throw new InvalidOperationException("coordinator failed:\n" + string.Join('\n', coordinator.Lines.Select(l => l.Text)));
            foreach (var w in workers) w.WaitForExit(TimeSpan.FromSeconds(30));
            double cpu = workers.SelectMany(w => w.Lines).Select(l => CpuRegex().Match(l.Text)).Where(m => m.Success)
                .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            var progress = coordinator.Lines.Select(l => (l.At, m: ProgressRegex().Match(l.Text))).Where(x => x.m.Success).ToList();
            var first = progress.First(x => Int(x.m, 1) + Int(x.m, 2) + Int(x.m, 3) > 0).At; // first line with a lease or result
            var last = coordinator.Lines.First(l => l.Text.StartsWith("spark3d preprocess --cluster: ", StringComparison.Ordinal) && l.Text.Contains("volumes:", StringComparison.Ordinal)).At;
            double wall = (last - first).TotalSeconds;
            double nodeSum = coordinator.Lines.Select(l => NodeRegex().Match(l.Text)).Where(m => m.Success)
                .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            double rate = count / wall;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cores.Length} | {string.Join(',', cores)} | {count} | {wall:f1} | {rate:f2} | {nodeSum:f2} | {cpu:f1} | {cpu / wall:f2} | {count / cpu:f2} |"));
            return (rate, nodeSum);
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }

    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^cluster: done (\d+) failed (\d+) of \d+ \| pending \d+ leased (\d+)")]
    private static partial Regex ProgressRegex();

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

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
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
