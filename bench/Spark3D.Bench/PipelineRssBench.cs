using System.Diagnostics;
using System.Globalization;
using Spark3D.Actors.Pipeline;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Batches;
using Spark3D.Training.Ports;
using Spark3D.Training.RunFiles;

namespace Spark3D.Bench;

/// <summary>
/// "pipeline-rss": streams a virtual 39,000-volume data set (nothing on disk: each patch is synthesised
/// deterministically from its volume id) through the real actor pipeline with a no-op trainer, sampling VmRSS/VmHWM from
/// /proc/self/status every second. Memory must be bounded by the channel capacities, not by the data set size, so RSS
/// after warm-up should stay flat. Usage: pipeline-rss [--volumes 39000] [--patches 40000 (a whole epoch and a bit)] [--size 64] [--batch 2]
/// [--pool N (default: cores)]
/// </summary>
internal static class PipelineRssBench
{
    public static int Run(string[] args)
    {
        int volumes = BenchArgs.Int(args, "--volumes", 39_000), patches = BenchArgs.Int(args, "--patches", 40_000);
        int size = BenchArgs.Int(args, "--size", 64), batch = BenchArgs.Int(args, "--batch", 2);
        int pool = BenchArgs.Int(args, "--pool", Environment.ProcessorCount);
        string dir = Path.Combine(Path.GetTempPath(), "spark3d-pipeline-rss-" + Environment.ProcessId);
        var patch = new Shape3(size, size, size);
        var options = new PipelineOptions
        {
            RunDirectory = dir,
            TotalSteps = (patches + batch - 1) / batch,
            BatchSize = batch,
            PreprocessorCount = pool,
            CheckpointEverySteps = 500,
            MetricsEverySteps = 50,
            TraceConsumedVolumes = true, // as in a real run (a file, not memory)
        };
        Console.WriteLine(PipelineThroughputBench.F($"virtual data set: {volumes} volumes, {size}³ patches synthesised from the id; batch {batch}, pool {pool}, {options.TotalSteps} steps ({options.TotalSteps * batch} patches); channel capacities {options.VolumeChannelCapacity}/{options.PatchChannelCapacity}/{options.BatchChannelCapacity}; cores {Environment.ProcessorCount}; server GC {System.Runtime.GCSettings.IsServerGC}"));
        var samples = new List<(double T, long Patches, long RssKb, long HwmKb, long HeapKb, long CommittedKb)>();
        var engines = new CountingTrainerEngineFactory(TimeSpan.Zero);
        try
        {
            var sw = Stopwatch.StartNew();
            var run = PipelineRunner.Start(options, new VirtualCatalog(volumes), new SyntheticPatchProducer(patch),
                new MaskedBatchAssembler(new MaskOptions(), patch), engines);
            using var timer = new Timer(_ =>
            {
                var (rss, hwm) = ReadRss();
                lock (samples) samples.Add((sw.Elapsed.TotalSeconds, engines.Totals.Patches, rss, hwm, Heap(), Committed()));
            }, null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            var result = run.Completion.GetAwaiter().GetResult();
            timer.Dispose();
            var (endRss, endHwm) = ReadRss();
            lock (samples) samples.Add((sw.Elapsed.TotalSeconds, engines.Totals.Patches, endRss, endHwm, Heap(), Committed()));
            Report(samples, result, engines.Totals.Patches);
            return result.ExitCode;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static void Report(List<(double T, long Patches, long RssKb, long HwmKb, long HeapKb, long CommittedKb)> s, PipelineResult result, long patches)
    {
        Console.WriteLine(PipelineThroughputBench.F($"streamed {patches} patches in {result.Elapsed.TotalSeconds:f1} s ({patches / result.Elapsed.TotalSeconds:f0} patches/s), exit {result.ExitCode}, data-wait fraction {result.DataWaitFraction:f3}"));
        Console.WriteLine();
        Console.WriteLine("| point | t s | patches | VmRSS MB | VmHWM MB | managed heap MB | GC committed MB |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (double frac in new[] { 0.1, 0.25, 0.5, 0.75, 1.0 })
        {
            var x = s[At(s.Count, frac)];
            Console.WriteLine(PipelineThroughputBench.F($"| {frac * 100:f0} % | {x.T:f0} | {x.Patches} | {x.RssKb / 1024.0:f0} | {x.HwmKb / 1024.0:f0} | {x.HeapKb / 1024.0:f0} | {x.CommittedKb / 1024.0:f0} |"));
        }
        // RSS saw-tooths with the GC's committed memory (1 MB patch arrays live on the LOH and its budget adapts), so single
        // samples are noise: compare the median over the warm window (10-30 % of the run) with the median over the last
        // 30 %, and show the peaks and the part of RSS outside the GC (runtime, JIT, native: a native leak would show there).
        var warm = s.Skip(At(s.Count, 0.1)).Take(Math.Max(1, At(s.Count, 0.3) - At(s.Count, 0.1) + 1)).ToList();
        var late = s.Skip(At(s.Count, 0.7)).ToList();
        static double Median(IEnumerable<long> xs)
        {
            var v = xs.Order().ToArray();
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2.0;
        }
        double warmMed = Median(warm.Select(x => x.RssKb)), lateMed = Median(late.Select(x => x.RssKb));
        double warmNative = Median(warm.Select(x => x.RssKb - x.CommittedKb)), lateNative = Median(late.Select(x => x.RssKb - x.CommittedKb));
        double warmHeap = Median(warm.Select(x => x.HeapKb)), lateHeap = Median(late.Select(x => x.HeapKb));
        double growth = (lateMed - warmMed) / warmMed;
        Console.WriteLine();
        Console.WriteLine(PipelineThroughputBench.F($"median RSS: 10-30 % window {warmMed / 1024:f0} MB, last 30 % {lateMed / 1024:f0} MB (peaks {warm.Max(x => x.RssKb) / 1024.0:f0} / {late.Max(x => x.RssKb) / 1024.0:f0} MB)"));
        Console.WriteLine(PipelineThroughputBench.F($"median RSS outside the GC heap {warmNative / 1024:f0} -> {lateNative / 1024:f0} MB; median managed heap {warmHeap / 1024:f0} -> {lateHeap / 1024:f0} MB"));
        Console.WriteLine(PipelineThroughputBench.F($"growth after warm-up {growth * 100:f1} % -> {(growth < 0.10 ? "flat" : "GROWING")} (threshold 10 %); VmHWM {s[^1].HwmKb / 1024.0:f0} MB; {s.Count} samples"));
    }

    private static int At(int count, double frac) => Math.Clamp((int)Math.Ceiling(frac * count) - 1, 0, count - 1);

    private static long Committed() => GC.GetGCMemoryInfo().TotalCommittedBytes / 1024;

    private static long Heap() => GC.GetGCMemoryInfo().HeapSizeBytes / 1024;

    private static (long RssKb, long HwmKb) ReadRss()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
        }
        return (rss, hwm);
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>A catalog of <c>count</c> volumes that exist only as ids (virtual://vNNNNNN).</summary>
internal sealed class VirtualCatalog : IVolumeCatalog
{
    public VirtualCatalog(int count) =>
        Volumes = Enumerable.Range(0, count).Select(i => new VolumeRef(string.Create(CultureInfo.InvariantCulture, $"v{i:D6}"), string.Create(CultureInfo.InvariantCulture, $"virtual://v{i:D6}"))).ToArray();

    public IReadOnlyList<VolumeRef> Volumes { get; }
}

/// <summary>Synthesises a patch from the volume id (a per-volume level and gradient plus noise from the id's seed), then
/// mixes in the caller's generator like a random crop would; allocates a fresh patch array like a real producer.</summary>
internal sealed class SyntheticPatchProducer(Shape3 patch) : IPatchProducer
{
    public Patch Produce(VolumeRef volume, Random rng)
    {
        int id = int.Parse(volume.Id.AsSpan(1), CultureInfo.InvariantCulture);
        var local = new Random(id * 7919 + rng.Next(1 << 20));
        float level = (float)(id % 97 / 97.0), gx = (float)local.NextDouble() * 0.01f;
        var v = new float[patch.Count];
        for (int z = 0, i = 0; z < patch.Z; z++)
            for (int y = 0; y < patch.Y; y++)
                for (int x = 0; x < patch.X; x++, i++)
                    v[i] = level + gx * x + (i % 61) * 0.001f;
        for (int k = 0; k < 256; k++) v[local.Next(v.Length)] += (float)local.NextDouble();
        return new Patch(v, patch);
    }
}
