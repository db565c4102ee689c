using System.Text.Json.Nodes;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

public class PipelineEndToEndTests
{
    [Fact]
    public async Task Short_run_trains_checkpoints_and_writes_the_run_files()
    {
        using var data = new TestCatalog().AddGood(12);
        var engines = new MeanFitEngineFactory(data.RunDirectory);
        var producer = new RawPatchProducer(8);

        var result = await PipelineRunner.RunAsync(data.Options(30), data, producer, new RandomBlockMaskAssembler(4, 0.6), engines);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(30, result.Step);
        Assert.Equal(30, result.StepsThisRun);
        Assert.True(result.LossLast < result.LossFirst / 2, $"loss {result.LossFirst} -> {result.LossLast} did not fall");
        Assert.Equal(0, result.Quarantined);
        Assert.Equal([10L, 20, 30], engines.Saved.ToArray());
        Assert.True(File.Exists(Path.Combine(engines.CheckpointDirectory, "step-000030.ckpt")));

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(data.RunDirectory, "summary.json")))!;
        Assert.Equal(30, summary["step"]!.GetValue<long>());
        Assert.Equal(result.LossFirst, summary["loss_first"]!.GetValue<double>());
        Assert.Equal(result.LossLast, summary["loss_last"]!.GetValue<double>());
        Assert.Equal(0, summary["quarantined"]!.GetValue<int>());
        Assert.Equal(0, summary["exit_code"]!.GetValue<int>());

        var metricLines = File.ReadAllLines(Path.Combine(data.RunDirectory, "metrics.jsonl"));
        Assert.Equal(6, metricLines.Length); // every 5 steps
        Assert.Equal(30, JsonNode.Parse(metricLines[^1])!["step"]!.GetValue<long>());

        var consumed = ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl"));
        Assert.Equal(60, consumed.Count); // 30 steps x batch 2
        Assert.Equal(60, consumed.Select(c => (c.Epoch, c.Position)).Distinct().Count());

        // Rerunning the same command: the checkpoint is at the target already, so nothing is trained and the summary
        // still reports the whole run's losses.
        var rerun = await PipelineRunner.RunAsync(data.Options(30), data, producer, new RandomBlockMaskAssembler(4, 0.6),
            new MeanFitEngineFactory(data.RunDirectory));
        Assert.Equal((0, 30L, 0L), (rerun.ExitCode, rerun.Step, rerun.StepsThisRun));
        Assert.Equal((result.LossFirst, result.LossLast), (rerun.LossFirst, rerun.LossLast));
    }

    [Fact]
    public async Task Cancelling_the_token_stops_gracefully_with_a_final_checkpoint_and_exit_code_zero()
    {
        using var data = new TestCatalog().AddGood(8);
        var engines = new MeanFitEngineFactory(data.RunDirectory) { StepDelay = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource();
        var running = PipelineRunner.RunAsync(data.Options(100_000), data, new RawPatchProducer(8), new RandomBlockMaskAssembler(4, 0.6),
            engines, cts.Token);
        await BackpressureTests.WaitUntil(() => engines.Saved.Contains(10), TimeSpan.FromSeconds(10));
        cts.Cancel();
        var result = await running.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stopped gracefully", result.Reason);
        Assert.InRange(result.Step, 10, 1000);
        Assert.Equal(result.Step, engines.Saved.Last()); // the final checkpoint is the stopping step
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(data.RunDirectory, "summary.json")))!;
        Assert.Equal(result.Step, summary["step"]!.GetValue<long>());
    }
}
