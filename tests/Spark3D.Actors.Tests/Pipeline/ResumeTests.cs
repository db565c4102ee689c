using Akka.Configuration;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Training.Feed;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

public class ResumeTests
{
    [Fact]
    public async Task An_interrupted_then_resumed_run_sees_each_epoch_as_exactly_one_permutation()
    {
        using var data = new TestCatalog().AddGood(20);
        var options = data.Options(25) with { CheckpointEverySteps = 4, PreprocessorCount = 3, VolumeChannelCapacity = 6 };
        var masks = new RandomBlockMaskAssembler(4, 0.6);

        // Part 1: "kill" the process mid-run: terminate the actor system without the graceful-stop hook, so nothing
        // after the last periodic checkpoint is saved and volumes are left in the channels and in the workers.
        var slow = new MeanFitEngineFactory(data.RunDirectory) { PauseAtStep = 14 };
        var kill = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        var run1 = PipelineRunner.Start(options, data, new RawPatchProducer(8), masks, slow, kill);
        Assert.True(slow.Paused.Wait(TimeSpan.FromSeconds(15)), "the run never reached step 14");
        var terminated = run1.System.Terminate(); // the stop is queued as a system message, handled right after step 14
        await Task.Delay(200);
        slow.Release.Set();
        await terminated.WaitAsync(TimeSpan.FromSeconds(10));
        var killed = await run1.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(0, killed.ExitCode);
        long saved = slow.Saved.Max();
        Assert.Equal(12, saved);
        Assert.Equal(14, killed.Step); // steps 13 and 14 are lost with the process

        // Part 2: rerun the same command; it resumes from the checkpoint and finishes.
        var engines = new MeanFitEngineFactory(data.RunDirectory);
        var result = await PipelineRunner.RunAsync(options, data, new RawPatchProducer(8), masks, engines);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(25, result.Step);
        Assert.Equal(saved, engines.Restored.Single());

        // 25 steps x 2 = 50 volumes: epochs 0 and 1 complete, 10 slots of epoch 2, no slot twice.
        var consumed = ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl"));
        Assert.Equal(50, consumed.Count);
        Assert.Equal(Enumerable.Range(1, 25).SelectMany(s => new[] { (long)s, s }), consumed.Select(c => c.Step).Order());
        foreach (var epoch in consumed.GroupBy(c => c.Epoch))
        {
            var order = EpochPermutation.For(options.Seed, epoch.Key, data.Volumes.Count);
            Assert.Equal(epoch.Count(), epoch.Select(c => c.Id).Distinct().Count()); // no repeats
            foreach (var c in epoch) Assert.Equal(data.Volumes[order[c.Position]].Id, c.Id); // the seeded permutation
        }
        var epochs = consumed.GroupBy(c => c.Epoch).ToDictionary(g => g.Key, g => g.Select(c => c.Id).Order().ToArray());
        var all = data.Volumes.Select(v => v.Id).Order().ToArray();
        Assert.Equal(all, epochs[0]); // no skips
        Assert.Equal(all, epochs[1]);
        Assert.Equal(10, epochs[2].Length);
    }
}
