using Spark3D.Actors.Pipeline;
using Spark3D.Data.Volumes;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Interop;
using Spark3D.Model.Mae;
using Spark3D.Model.Training;
using Spark3D.Tests.Shared;
using Spark3D.Training.Batches;
using Spark3D.Training.Engines;
using Spark3D.Training.Patches;
using static TorchSharp.torch;

namespace Spark3D.Actors.Tests.Pipeline;

/// <summary>Fine-tuning through the real actor pipeline: tiny network, 2 phantoms, 20 steps from a MAE checkpoint made here.</summary>
public sealed class FineTuningPipelineTests : IDisposable
{
    private const int DecoderSteps = 6; // 3 warm-up + 3 decay
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-ftengine-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private Checkpoint MakePretrainCheckpoint()
    {
        manual_seed(7);
        using var mae = SparkMae.FromPreset("tiny");
        var store = new CheckpointStore(Path.Combine(_dir, "pretrain"), 1);
        store.Save(Checkpoint.Capture(mae, null, 100));
        return PretrainedWeights.ReadCheckpoint(Path.Combine(_dir, "pretrain"));
    }

    private SegmentationEngineOptions Options(Checkpoint? pretrained, LrSchedule schedule, string run) =>
        new("tiny", 5, new OptimizerOptions(), schedule, Path.Combine(run, "checkpoints"), KeepLast: 100, Pretrained: pretrained, Seed: 5);

    private static PipelineOptions Pipeline(string run, long steps) => new()
    {
        RunDirectory = run, TotalSteps = steps, BatchSize = 2, PreprocessorCount = 2, CheckpointEverySteps = 1, Seed = 11,
    };

    private static Dictionary<string, float[]> Weights(byte[] state)
    {
        var d = TorchSharpStateDict.Read(state);
        var r = d.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32).data<float>().ToArray());
        foreach (var t in d.Values) t.Dispose();
        return r;
    }

    private static Dictionary<string, float[]> Weights(nn.Module m) => Weights(TorchSharpStateDict.Save(m));

    private static bool Same(Dictionary<string, float[]> a, Dictionary<string, float[]> b, Func<string, bool> which) =>
        a.Keys.Where(which).All(k => a[k].SequenceEqual(b[k]));

    [Fact]
    public async Task Decoder_only_stage_keeps_the_pretrained_encoder_then_everything_trains_and_resumes()
    {
        var pretrained = MakePretrainCheckpoint();
        var mae = Weights(pretrained.ModelState);
        var pretrainedEncoder = mae.Where(kv => kv.Key.StartsWith("architecture.encoder.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["architecture.".Length..], kv => kv.Value);
        var schedule = new SawtoothFineTuneSchedule(1e-3, 3, 3, 4, 20);
        string run = Path.Combine(_dir, "run");

        Dictionary<string, float[]> initial;
        using (var probe = new SegmentationTrainerEngine(Options(pretrained, schedule, run)))
        {
            initial = Weights(probe.Network);
            Assert.True(probe.TransferReport!.Loaded.Count > 0);
            Assert.All(probe.TransferReport.Loaded, n => Assert.True(WeightFilters.IsEncoder(n), n)); // encoder only by default
        }
        // Initially the encoder equals the pre-trained one exactly.
        Assert.All(pretrainedEncoder, kv => Assert.Equal(kv.Value, initial[kv.Key]));

        var catalog = SmallLabelledPhantoms.Write(Path.Combine(_dir, "data"), 2);
        var producer = new LabelledPatchProducer(catalog, new LabelledPatchOptions(SmallLabelledPhantoms.Preprocess, new Shape3(32, 32, 32)));
        var factory = new SegmentationTrainerEngineFactory(Options(pretrained, schedule, run));
        var result = await PipelineRunner.RunAsync(Pipeline(run, 20), catalog, producer, new LabelledBatchAssembler(), factory);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(20, result.Step);
        Assert.True(double.IsFinite(result.LossLast!.Value));

        var store = new CheckpointStore(Path.Combine(run, "checkpoints"), 100);
        var afterDecoderStage = Weights(CheckpointStore.Read(store.List().Single(f => f.Step == DecoderSteps).Path).ModelState);
        var final = Weights(CheckpointStore.Read(store.List().Single(f => f.Step == 20).Path).ModelState);

        // Stage 1 trained the decoder only: encoder bit-identical, decoder moved.
        Assert.True(Same(afterDecoderStage, initial, WeightFilters.IsEncoder), "the encoder changed during the decoder-only stage");
        Assert.False(Same(afterDecoderStage, initial, WeightFilters.IsDecoderOnly), "the decoder did not move during stage 1");
        // Stage 2 trained everything: the encoder left its pre-trained values, the decoder kept moving.
        Assert.All(pretrainedEncoder.Keys.Where(k => k.EndsWith("conv.weight", StringComparison.Ordinal)),
            k => Assert.NotEqual(pretrainedEncoder[k], final[k]));
        Assert.False(Same(final, afterDecoderStage, WeightFilters.IsDecoderOnly));

        // Rerun to 22 steps: resumes from step 20 (the loss of the first run is kept).
        var resumed = await PipelineRunner.RunAsync(Pipeline(run, 22), catalog, producer, new LabelledBatchAssembler(), factory);
        Assert.Equal(22, resumed.Step);
        Assert.Equal(2, resumed.StepsThisRun);
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
        Assert.True(File.Exists(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public async Task From_scratch_trains_every_parameter_from_step_zero()
    {
        string run = Path.Combine(_dir, "scratch");
        var catalog = SmallLabelledPhantoms.Write(Path.Combine(_dir, "data"), 2);
        var producer = new LabelledPatchProducer(catalog, new LabelledPatchOptions(SmallLabelledPhantoms.Preprocess, new Shape3(32, 32, 32)));
        var options = Options(null, FineTuneSchedules.FromScratch(1e-2, 3), run);
        Dictionary<string, float[]> initial;
        using (var probe = new SegmentationTrainerEngine(options))
        {
            Assert.Null(probe.TransferReport);
            Assert.False(probe.DecoderOnlyAt(0));
            initial = Weights(probe.Network);
        }
        var result = await PipelineRunner.RunAsync(Pipeline(run, 3), catalog, producer, new LabelledBatchAssembler(), new SegmentationTrainerEngineFactory(options));
        Assert.Equal(0, result.ExitCode);
        var first = Weights(CheckpointStore.Read(new CheckpointStore(Path.Combine(run, "checkpoints"), 100).List()[0].Path).ModelState);
        Assert.False(Same(first, initial, WeightFilters.IsEncoder), "from scratch, the encoder trains from the first step");
    }
}
