using Spark3D.Model.Checkpoints;
using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Training.Engines;

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
}
