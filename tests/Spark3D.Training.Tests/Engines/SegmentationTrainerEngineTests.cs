using Spark3D.Model.Checkpoints;
using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Engines;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Tests.Engines;

/// <summary>The segmentation engine alone; its runs through the actor pipeline are in Spark3D.Actors.Tests
/// (FineTuningPipelineTests).</summary>
public sealed class SegmentationTrainerEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-ftengine-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_checkpoint_of_another_preset_transfers_nothing()
    {
        using var mae = SparkMae.FromPreset("small");
        var ckpt = Checkpoint.Capture(mae, null, 1, includeTorchRng: false);
        using var net = ResidualEncoderUNet.FromPreset("tiny", 1, 3);
        var report = PretrainedWeights.Load(net, ckpt, includeDecoder: true);
        Assert.Empty(report.Loaded);
        Assert.NotEmpty(report.Mismatched);
        Assert.Throws<InvalidOperationException>(() => new SegmentationTrainerEngine(
            new SegmentationEngineOptions("tiny", 3, new OptimizerOptions(), new PolyLrSchedule(1e-3, 5), Path.Combine(_dir, "x"), Pretrained: ckpt)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Deep_supervision_trains_every_head_but_the_lowest_and_only_then(bool deepSupervision)
    {
        // tiny: 4 stages, decoder heads seg_layers.0 (lowest resolution) .. seg_layers.2 (full resolution).
        var options = new SegmentationEngineOptions("tiny", 3, new OptimizerOptions(), new PolyLrSchedule(1e-2, 4),
            Path.Combine(_dir, deepSupervision ? "ds" : "plain"), DeepSupervision: deepSupervision);
        using var engine = new SegmentationTrainerEngine(options);
        var before = Heads(engine);
        for (int s = 0; s < 2; s++) Assert.True(double.IsFinite(engine.Train(Batch(s)).Loss));
        var after = Heads(engine);
        Assert.NotEqual(before["decoder.seg_layers.2.weight"], after["decoder.seg_layers.2.weight"]);
        Assert.Equal(before["decoder.seg_layers.0.weight"], after["decoder.seg_layers.0.weight"]); // weight 0 (nnU-Net)
        Assert.Equal(deepSupervision, !before["decoder.seg_layers.1.weight"].SequenceEqual(after["decoder.seg_layers.1.weight"]));
    }

    private static Dictionary<string, float[]> Heads(SegmentationTrainerEngine engine) =>
        engine.Network.named_parameters().Where(p => p.name.StartsWith("decoder.seg_layers.", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    private static TrainingBatch Batch(int seed)
    {
        var rng = new Random(seed);
        var patches = Enumerable.Range(0, 2).Select(_ =>
        {
            var v = new float[32 * 32 * 32];
            var l = new float[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(Math.Sin(i * 0.01) + 0.1 * rng.NextDouble());
                l[i] = v[i] > 0.5f ? 2 : v[i] > 0 ? 1 : 0;
            }
            return new Patch(v, new Shape3(32, 32, 32), l);
        }).ToList();
        return new TrainingBatch(patches, null);
    }
}
