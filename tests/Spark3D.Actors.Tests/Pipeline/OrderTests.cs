using Akka.Actor;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

/// <summary><see cref="PipelineOptions.InOrder"/>: batches in the loader's order, whatever the preprocessors' timing.</summary>
public class OrderTests
{
    /// <summary>Sleeps a random (unseeded) while before each patch, so preprocessors finish in a different order every run.</summary>
    private sealed class JitteryProducer(IPatchProducer inner, int maxDelayMs) : IPatchProducer
    {
        public Patch Produce(VolumeRef volume, Random rng)
        {
            Thread.Sleep(Random.Shared.Next(maxDelayMs + 1));
            return inner.Produce(volume, rng);
        }
    }

    /// <summary>Blocks the patch of one volume until released; counts every call.</summary>
    private sealed class StallingProducer(IPatchProducer inner, string stalledId) : IPatchProducer
    {
        private int _calls;
        public ManualResetEventSlim Release { get; } = new();
        public int Calls => Volatile.Read(ref _calls);

        public Patch Produce(VolumeRef volume, Random rng)
        {
            Interlocked.Increment(ref _calls);
            if (volume.Id == stalledId) Release.Wait(TimeSpan.FromSeconds(30));
            return inner.Produce(volume, rng);
        }
    }

    /// <summary>Throws on its <paramref name="failOnCall"/>-th batch (a bug in the masker's stage), then works.</summary>
    private sealed class FailingOnceAssembler(IBatchAssembler inner, int failOnCall) : IBatchAssembler
    {
        private int _calls;

        public TrainingBatch Assemble(IReadOnlyList<Patch> patches, Random rng) =>
            Interlocked.Increment(ref _calls) == failOnCall ? throw new InvalidOperationException("injected masker failure") : inner.Assemble(patches, rng);
    }

    [Fact]
    public async Task A_masker_that_crashes_and_restarts_keeps_the_order_and_the_run_finishes()
    {
        using var data = new TestCatalog().AddGood(12);
        var options = data.Options(12) with { PreprocessorCount = 3 };
        var result = await PipelineRunner.RunAsync(options, data, new JitteryProducer(new RawPatchProducer(8), 3),
            new FailingOnceAssembler(new RandomBlockMaskAssembler(4, 0.6), 3), new MeanFitEngineFactory(data.RunDirectory)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(12, result.Step);
        // The crashed batch's two patches are lost (as in arrival order); every other slot follows the loader's order.
        var positions = ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl")).Select(c => c.Epoch * 12 + c.Position).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(24, positions.Count);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_batches_and_losses_with_one_or_three_jittery_preprocessors()
    {
        var runs = new List<(IReadOnlyList<ConsumedEntry> Consumed, PipelineResult Result)>();
        foreach (int preprocessors in new[] { 1, 3, 3 })
        {
            using var data = new TestCatalog().AddGood(9);
            data.Add(RawVolumeFiles.WriteBytes(data.DataDirectory, "bad-magic", "NOPE0000000000000000"u8.ToArray())); // quarantined: its mark keeps the order moving
            var options = data.Options(12) with { PreprocessorCount = preprocessors };
            var result = await PipelineRunner.RunAsync(options, data, new JitteryProducer(new RawPatchProducer(8), 6),
                new RandomBlockMaskAssembler(4, 0.6), new MeanFitEngineFactory(data.RunDirectory));
            Assert.Equal(0, result.ExitCode);
            runs.Add((ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl")), result));
        }
        var (first, firstResult) = runs[0];
        Assert.Equal(24, first.Count); // 12 steps x batch 2
        Assert.DoesNotContain(first, c => c.Id == "bad-magic");
        foreach (var (consumed, result) in runs.Skip(1))
        {
            Assert.Equal(first, consumed); // which volume fed which step, in which batch position
            Assert.Equal(firstResult.LossFirst, result.LossFirst);
            Assert.Equal(firstResult.LossLast, result.LossLast);
        }
    }

    [Fact]
    public async Task A_slow_volume_holds_the_others_back_by_at_most_the_window_and_then_leads_its_batch()
    {
        using var data = new TestCatalog().AddGood(40);
        var options = data.Options(10) with { PreprocessorCount = 3 };
        // The first ticket of epoch 0 (the permutation is seeded, so ask it which volume that is).
        string first = data.Volumes[Spark3D.Training.Feed.EpochPermutation.For(options.Seed, 0, data.Volumes.Count)[0]].Id;
        var producer = new StallingProducer(new RawPatchProducer(8), first);
        var run = PipelineRunner.Start(options, data, producer, new RandomBlockMaskAssembler(4, 0.6), new MeanFitEngineFactory(data.RunDirectory));

        // The other two preprocessors run ahead until the window is used up, then everything waits for the slow one.
        await BackpressureTests.WaitUntil(() => producer.Calls >= options.OrderWindow, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Equal(options.OrderWindow, producer.Calls); // one ticket per place: the stalled one and the window's others
        Assert.Equal(0, run.Metrics.Snapshot().Step);
        var loader = await run.System.ActorSelection("/user/pretrain/loader").Ask<StageStatus>(GetStageStatus.Instance, TimeSpan.FromSeconds(2));
        Assert.Equal("waiting-for-window", loader.State);
        Assert.Equal(options.OrderWindow, loader.Handled);

        producer.Release.Set();
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);
        var consumed = ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl"));
        Assert.Equal(first, consumed[0].Id); // the slow volume still leads the first batch
        Assert.Equal(Enumerable.Range(0, 20), consumed.Select(c => c.Position)); // the loader's order, every slot once
    }

    [Fact]
    public async Task A_run_stopped_and_resumed_trains_on_the_same_batches_with_the_same_losses_as_one_run_straight_through()
    {
        using var straight = new TestCatalog().AddGood(9);
        var one = await PipelineRunner.RunAsync(straight.Options(16) with { PreprocessorCount = 3 }, straight,
            new JitteryProducer(new RawPatchProducer(8), 4), new RandomBlockMaskAssembler(4, 0.6), new MeanFitEngineFactory(straight.RunDirectory));

        using var resumed = new TestCatalog().AddGood(9);
        var options = resumed.Options(16) with { PreprocessorCount = 3, CheckpointEverySteps = 100 };
        var part1 = await PipelineRunner.RunAsync(options with { TotalSteps = 7 }, resumed,
            new JitteryProducer(new RawPatchProducer(8), 4), new RandomBlockMaskAssembler(4, 0.6), new MeanFitEngineFactory(resumed.RunDirectory));
        Assert.Equal(7, part1.Step);
        var engines = new MeanFitEngineFactory(resumed.RunDirectory);
        var part2 = await PipelineRunner.RunAsync(options, resumed, new JitteryProducer(new RawPatchProducer(8), 4),
            new RandomBlockMaskAssembler(4, 0.6), engines);
        Assert.Equal(7, engines.Restored.Single());

        Assert.Equal(0, one.ExitCode);
        Assert.Equal(0, part2.ExitCode);
        Assert.Equal(ConsumedTrace.Read(Path.Combine(straight.RunDirectory, "consumed.jsonl")),
            ConsumedTrace.Read(Path.Combine(resumed.RunDirectory, "consumed.jsonl")));
        Assert.Equal(one.LossLast, part2.LossLast); // step 16's loss: the same weights, patches and masks
    }
}
