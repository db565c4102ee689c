using System.Diagnostics;
using System.Globalization;
using Spark3D.Actors.Pipeline;
using Spark3D.Data.Augmentation;
using Spark3D.Data.Cache;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Feed;
using Spark3D.Training.Patches;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;

namespace Spark3D.Bench;

/// <summary>
/// "pipeline-throughput": masked patches/s through the real actor pipeline (loader → preprocessor pool → masker →
/// trainer) from a chunked cache, with a trainer engine that only consumes and counts batches, at 64³ and 160³ patches,
/// with and without the spatial augmentation. The cache holds phantoms z-scored and upsampled to ≥ 176³ so a 160³ patch
/// needs no padding. Usage: pipeline-throughput [--volumes 6] [--seconds 20] [--warmup 4] [--batch 2]
/// [--pool N (default: cores)] [--step-ms 0 (simulated trainer step)] [--sizes 64,160] [--aug on,off] [--rounds 1 (alternating;
/// more than one adds a table of medians and the off/on ratio)] [--in-order on|off (spark3d.pipeline.in-order, default on)]
/// [--profile-only] [--dir /tmp/x]
/// </summary>
internal static class PipelineThroughputBench
{
    public static int Run(string[] args)
    {
        int volumes = BenchArgs.Int(args, "--volumes", 6), seconds = BenchArgs.Int(args, "--seconds", 20), warmup = BenchArgs.Int(args, "--warmup", 4);
        bool inOrder = BenchArgs.String(args, "--in-order", "on") == "on";
        int batch = BenchArgs.Int(args, "--batch", 2), pool = BenchArgs.Int(args, "--pool", Environment.ProcessorCount), stepMs = BenchArgs.Int(args, "--step-ms", 0);
        string dir = BenchArgs.String(args, "--dir", Path.Combine(Path.GetTempPath(), "spark3d-pipeline-bench-" + Environment.ProcessId));
        Directory.CreateDirectory(dir);
        try
        {
            var sw = Stopwatch.StartNew();
            string cache = BuildCache(Path.Combine(dir, "cache"), volumes);
            var catalog = CacheVolumeCatalog.Open(cache);
            Console.WriteLine(F($"cache: {catalog.Volumes.Count} phantom volumes (z-scored, upsampled to 176×192×184, lz4+shuffle 32³ chunks) built in {sw.Elapsed.TotalSeconds:f1} s"));
            Console.WriteLine(F($"cores {Environment.ProcessorCount}, preprocessor pool {pool}, batch {batch}, mask 16³ blocks 75 %, no-op trainer (step {stepMs} ms), {seconds} s per row after {warmup} s warm-up, {(inOrder ? "in order" : "arrival order")}"));
            Console.WriteLine();
            if (!args.Contains("--profile-only"))
            {
                Console.WriteLine("| patch | augmentation | masked patches/s | batches/s | trainer data-wait fraction | mean channel depths vol/patch/batch |");
                Console.WriteLine("|---|---|---|---|---|---|");
                var sizes = BenchArgs.String(args, "--sizes", "64,160").Split(',').Select(int.Parse).ToArray();
                var augs = BenchArgs.String(args, "--aug", "on,off").Split(',').Select(a => a == "on").ToArray();
                int rounds = Math.Max(1, BenchArgs.Int(args, "--rounds", 1));
                // Rounds alternate the settings, so a slow spell of a shared machine hits all of them alike.
                var rates = new Dictionary<(int, bool), List<double>>();
                for (int round = 0; round < rounds; round++)
                    foreach (int size in sizes)
                        foreach (bool aug in augs)
                        {
                            double rate = Measure(catalog, new Shape3(size, size, size), aug, inOrder, batch, pool, stepMs, seconds, warmup,
                                Path.Combine(dir, $"run-{size}-{aug}-{round}"));
                            if (!rates.TryGetValue((size, aug), out var list)) rates[(size, aug)] = list = [];
                            list.Add(rate);
                        }
                Console.WriteLine();
                if (rounds > 1) PrintMedians(sizes, augs, rates);
            }
            ProfileSinglePatch(catalog.Volumes[0].Path);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string BuildCache(string dir, int count)
    {
        Directory.CreateDirectory(dir);
        var gen = new BrainPhantomGenerator(new PhantomOptions());
        var target = new Shape3(176, 192, 184);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var image = gen.Generate(i).Image;
            var (z, _) = ZScoreNormalizer.Normalize(image);
            var up = Resampler.Resample(z, target, Interpolation.Trilinear);
            ChunkedVolumeWriter.Write(Path.Combine(dir, $"phantom-{i:D3}.s3d"), up, new ChunkedVolumeOptions());
        });
        return dir;
    }

    private static void PrintMedians(int[] sizes, bool[] augs, Dictionary<(int, bool), List<double>> rates)
    {
        Console.WriteLine("| patch | median masked patches/s, augmentation on | off | off / on (goal ≤ 1.5) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (int size in sizes)
        {
            double on = augs.Contains(true) ? Median.Of(rates[(size, true)]) : double.NaN;
            double off = augs.Contains(false) ? Median.Of(rates[(size, false)]) : double.NaN;
            Console.WriteLine(F($"| {size}³ | {on:f1} | {off:f1} | {off / on:f2} |"));
        }
        Console.WriteLine();
    }

    /// <summary>Runs one setting and prints its row; returns the masked patches/s.</summary>
    private static double Measure(IVolumeCatalog catalog, Shape3 patch, bool augment, bool inOrder, int batch, int pool, int stepMs, int seconds,
        int warmup, string runDir)
    {
        var options = new PipelineOptions
        {
            RunDirectory = runDir,
            TotalSteps = 10_000_000, // never reached: the run is stopped after the window
            BatchSize = batch,
            PreprocessorCount = pool,
            CheckpointEverySteps = int.MaxValue,
            MetricsEverySteps = 0,
            TraceConsumedVolumes = false,
            InOrder = inOrder,
        };
        using var producer = new CachePatchProducer(new PatchProducerOptions(patch)
        {
            Augmentation = augment ? AugmentationOptions.Default : AugmentationOptions.None,
        });
        var engines = new CountingTrainerEngineFactory(TimeSpan.FromMilliseconds(stepMs));
        var run = PipelineRunner.Start(options, catalog, producer, new MaskedBatchAssembler(new MaskOptions(), patch), engines);

        Thread.Sleep(TimeSpan.FromSeconds(warmup));
        var (p0, b0) = engines.Totals;
        var s0 = run.Metrics.Snapshot();
        var sw = Stopwatch.StartNew();
        double depthV = 0, depthP = 0, depthB = 0;
        int samples = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            Thread.Sleep(250);
            depthV += run.Channels.Volumes.Reader.Count;
            depthP += run.Channels.Patches.Reader.Count;
            depthB += run.Channels.Batches.Reader.Count;
            samples++;
        }
        var (p1, b1) = engines.Totals;
        double dt = sw.Elapsed.TotalSeconds;
        var s1 = run.Metrics.Snapshot();
        var result = run.StopAsync().GetAwaiter().GetResult();
        // Data-wait over the measured window from the cumulative fraction and mean step time (waits are not exposed per step).
        double wait = WindowWaitFraction(s0, s1);
        Console.WriteLine(F($"| {patch.X}³ | {(augment ? "on" : "off")} | {(p1 - p0) / dt:f1} | {(b1 - b0) / dt:f2} | {wait:f3} (whole run {result.DataWaitFraction:f3}) | {depthV / samples:f1} / {depthP / samples:f1} / {depthB / samples:f1} |"));
        if (result.ExitCode != 0) Console.WriteLine($"  run ended with exit code {result.ExitCode}: {result.Reason}");
        return (p1 - p0) / dt;
    }

    /// <summary>Where a patch's time goes, one thread: plain crop, crop + mirroring, and the resampling path
    /// (rotation 20° about each axis + scale 1.2, i.e. a larger crop read and trilinear resampling).</summary>
    private static void ProfileSinglePatch(string cacheFile)
    {
        using var file = ChunkedVolumeFile.Open(cacheFile);
        Console.WriteLine("| patch | plain crop ms | crop + mirror ms | rotate 20°×3 + scale 1.2 ms | scale 1.4 only ms | resampling alone (scale 1.0001) ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int size in new[] { 64, 160 })
        {
            var patch = new Shape3(size, size, size);
            var origin = ((file.Shape.X - size) / 2, (file.Shape.Y - size) / 2, (file.Shape.Z - size) / 2);
            double rad = 20 * Math.PI / 180;
            var plain = SpatialTransformParams.Identity;
            var mirror = plain with { MirrorX = true, MirrorY = true, MirrorZ = true };
            var rotate = new SpatialTransformParams(false, false, false, rad, rad, rad, 1.2);
            var scale = plain with { Scale = 1.4 };
            double Ms(SpatialTransformParams t)
            {
                int n = size == 64 ? 40 : 6;
                SpatialAugmenter.Extract(file, origin, patch, t); // warm
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < n; i++) SpatialAugmenter.Extract(file, origin, patch, t);
                return sw.Elapsed.TotalMilliseconds / n;
            }
            Console.WriteLine(F($"| {size}³ | {Ms(plain):f1} | {Ms(mirror):f1} | {Ms(rotate):f1} | {Ms(scale):f1} | {Ms(plain with { Scale = 1.0001 }):f1} |"));
        }
    }

    private static double WindowWaitFraction(PipelineStatus a, PipelineStatus b)
    {
        // busy = wait + step; step total = mean step × steps; wait total = fraction/(1−fraction) × step total.
        static (double Wait, double Step) Totals(PipelineStatus s)
        {
            double step = s.MeanStepSeconds * s.StepsThisRun;
            double f = Math.Min(s.DataWaitFraction, 0.999999);
            return (f / (1 - f) * step, step);
        }
        var (w0, st0) = Totals(a);
        var (w1, st1) = Totals(b);
        double w = w1 - w0, st = st1 - st0;
        return w + st > 0 ? w / (w + st) : 0;
    }

    internal static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A trainer engine for benchmarks: consumes each batch (touches every patch and counts masked cells), optionally
/// sleeps to stand in for a real step, and counts. No checkpoints.</summary>
internal sealed class CountingTrainerEngine(CountingTrainerEngineFactory factory) : ITrainerEngine
{
    public long Step { get; private set; }

    public StepOutcome Train(TrainingBatch batch)
    {
        int masked = 0;
        foreach (bool m in batch.Mask?.Cells ?? []) if (m) masked++;
        float probe = 0;
        foreach (var p in batch.Patches) probe += p.Voxels[p.Voxels.Length / 2];
        if (factory.StepTime > TimeSpan.Zero) Thread.Sleep(factory.StepTime);
        factory.Count(batch.Count);
        Step++;
        return new StepOutcome(masked > 0 && float.IsFinite(probe) ? 0.0 : 1.0, 0);
    }

    public void SaveCheckpoint(PipelineCursor cursor) { }

    public PipelineCursor? RestoreLatest() => null;

    public void Dispose() { }
}

/// <summary>Creates <see cref="CountingTrainerEngine"/>s and holds the counts (read from any thread).</summary>
internal sealed class CountingTrainerEngineFactory(TimeSpan stepTime) : ITrainerEngineFactory
{
    private long _patches, _batches;

    public TimeSpan StepTime { get; } = stepTime;

    public (long Patches, long Batches) Totals => (Interlocked.Read(ref _patches), Interlocked.Read(ref _batches));

    public void Count(int patches)
    {
        Interlocked.Add(ref _patches, patches);
        Interlocked.Increment(ref _batches);
    }

    public ITrainerEngine Create() => new CountingTrainerEngine(this);
}
