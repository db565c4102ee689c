using System.Diagnostics;
using Akka.Actor;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;

namespace Spark3D.Actors.Tests.Pipeline;

public class BackpressureTests
{
    [Fact]
    public async Task Slow_trainer_fills_every_channel_to_capacity_bounds_production_and_actors_stay_responsive()
    {
        using var data = new TestCatalog().AddGood(40);
        var engines = new MeanFitEngineFactory(data.RunDirectory) { StepDelay = TimeSpan.FromMilliseconds(300) };
        var producer = new RawPatchProducer(8);
        // Arrival order: with in-order batching the loader stops at the order window before the volume channel is full
        // (OrderTests covers that bound).
        var options = data.Options(10_000) with { InOrder = false };
        var run = PipelineRunner.Start(options, data, producer, new RandomBlockMaskAssembler(4, 0.6), engines);

        await WaitUntil(() => run.Channels.Volumes.Reader.Count == options.VolumeChannelCapacity
                              && run.Channels.Patches.Reader.Count == options.PatchChannelCapacity
                              && run.Channels.Batches.Reader.Count == options.BatchChannelCapacity, TimeSpan.FromSeconds(10));
        await Task.Delay(700); // let a couple of slow steps pass: the depths must stay at capacity, not grow

        int calls = producer.Calls; // read before the step count, so the bound below can only be looser
        var status = run.Metrics.Snapshot();
        // Bounded: no channel ever holds more than its capacity.
        Assert.InRange(status.VolumeDepth, 0, options.VolumeChannelCapacity);
        Assert.InRange(status.PatchDepth, 0, options.PatchChannelCapacity);
        Assert.InRange(status.BatchDepth, 0, options.BatchChannelCapacity);
        // And kept full: whatever the trainer takes is refilled at once (a loaded CI machine may lag a step behind,
        // so this waits instead of sampling one instant).
        await WaitUntil(() => run.Channels.Volumes.Reader.Count == options.VolumeChannelCapacity
                              && run.Channels.Patches.Reader.Count == options.PatchChannelCapacity
                              && run.Channels.Batches.Reader.Count >= options.BatchChannelCapacity - 1, TimeSpan.FromSeconds(10));

        // Every produced patch is accounted for: trained, in the trainer's hand, in a channel, or held by a stage.
        int b = options.BatchSize;
        long bound = (status.Step + 1) * b                       // trained or being trained
                     + options.BatchChannelCapacity * b          // batch channel
                     + b                                         // masker: a full pending batch
                     + options.PatchChannelCapacity              // patch channel
                     + options.PreprocessorCount;                // one pending patch per worker
        Assert.InRange(calls, 1, (int)bound);

        foreach (string path in new[] { "loader", "preprocessors/p-0", "preprocessors/p-1", "masker" })
        {
            var clock = Stopwatch.StartNew();
            var stage = await run.System.ActorSelection("/user/pretrain/" + path)
                .Ask<StageStatus>(GetStageStatus.Instance, TimeSpan.FromSeconds(2));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{path} took {clock.Elapsed} to answer");
            Assert.Equal("waiting-for-space", stage.State);
        }

        var result = await run.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stopped gracefully", result.Reason);
        Assert.Contains(result.Step, engines.Saved); // final checkpoint on graceful stop
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"condition not met within {timeout}");
            await Task.Delay(20);
        }
    }
}
