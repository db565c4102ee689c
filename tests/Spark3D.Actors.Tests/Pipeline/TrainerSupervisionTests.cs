using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;

namespace Spark3D.Actors.Tests.Pipeline;

public class TrainerSupervisionTests
{
    [Fact]
    public async Task Trainer_failures_restart_it_from_the_last_checkpoint_and_show_in_telemetry()
    {
        using var data = new TestCatalog().AddGood(10);
        var engines = new MeanFitEngineFactory(data.RunDirectory);
        engines.FailOnce(7, "throw");
        engines.FailOnce(13, "nan");
        var options = data.Options(20) with { CheckpointEverySteps = 5 };
        var run = PipelineRunner.Start(options, data, new RawPatchProducer(8), new RandomBlockMaskAssembler(4, 0.6), engines);

        long restartsSeen = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, run.Metrics.Meter) && instrument.Name == "spark3d.pipeline.actor.restarts")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "actor" && (string?)t.Value == "trainer")) Interlocked.Add(ref restartsSeen, value);
        });
        listener.Start();

        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(20, result.Step);
        Assert.Equal(2, result.Restarts);
        Assert.Equal(2, Interlocked.Read(ref restartsSeen));
        // First engine started fresh; the one after the failure at step 7 restored step 5, the one after step 13 restored 10.
        Assert.Equal([null, 5L, 10L], engines.Restored.ToArray());
        // Steps after the restored checkpoint are redone by the new incarnation, so checkpoints stay on the schedule.
        Assert.Equal([5L, 10, 15, 20], engines.Saved.ToArray());
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(data.RunDirectory, "summary.json")))!["restarts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Too_many_failures_in_the_window_stop_the_run_with_a_non_zero_exit_code_and_a_reason()
    {
        using var data = new TestCatalog().AddGood(6);
        var engines = new MeanFitEngineFactory(data.RunDirectory) { AlwaysThrowAt = 3 };
        var options = data.Options(50) with { MaxFailuresInWindow = 2, FailureWindow = TimeSpan.FromMinutes(1) };

        var result = await PipelineRunner.RunAsync(options, data, new RawPatchProducer(8), new RandomBlockMaskAssembler(4, 0.6), engines)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("trainer failed 3 times within", result.Reason);
        Assert.Contains("injected failure at step 3", result.Reason);
        Assert.Equal(2, result.Step);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(data.RunDirectory, "summary.json")))!;
        Assert.Equal(2, summary["exit_code"]!.GetValue<int>());
        Assert.Equal(result.Reason, summary["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unreadable_checkpoint_fails_every_trainer_start_and_ends_the_run_with_its_reason()
    {
        using var data = new TestCatalog().AddGood(4);
        var engines = new MeanFitEngineFactory(data.RunDirectory);
        Directory.CreateDirectory(engines.CheckpointDirectory);
        File.WriteAllText(Path.Combine(engines.CheckpointDirectory, "step-000005.ckpt"), "garbage\n");
        File.WriteAllText(Path.Combine(engines.CheckpointDirectory, "latest"), "step-000005.ckpt");
        var options = data.Options(10) with { MaxFailuresInWindow = 1 };

        var result = await PipelineRunner.RunAsync(options, data, new RawPatchProducer(8), new RandomBlockMaskAssembler(4, 0.6), engines)
            .WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("trainer failed 2 times", result.Reason);
        Assert.Contains("garbage", result.Reason); // the parse error of the bad checkpoint, not a generic message
        Assert.Equal(0, result.StepsThisRun);
    }
}
