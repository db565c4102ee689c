using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Model.Training;
using Spark3D.Training.Engines;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;

namespace Spark3D.Training.Tests.Engines;

/// <summary>The real SparK engine on the tiny preset: tensor layout of a batch, a few steps, checkpoint round trip with the
/// cursor, the once-only injected fault, reconstruction PNGs.</summary>
public sealed class SparkTrainerEngineTests
{
    private static TrainingBatch Batch(int seed)
    {
        var rng = new Random(seed);
        var patches = Enumerable.Range(0, 2).Select(_ =>
        {
            var v = new float[32 * 32 * 32];
            for (int i = 0; i < v.Length; i++) v[i] = (float)(Math.Sin(i * 0.01) + 0.1 * rng.NextDouble());
            return new Patch(v, new Shape3(32, 32, 32));
        }).ToList();
        var mask = new bool[2 * 8];
        for (int i = 0; i < mask.Length; i++) mask[i] = i % 4 != 0; // 6 of 8 cells masked per patch
        return new TrainingBatch(patches, new BatchMask(mask, new Shape3(2, 2, 2), 0.75));
    }

    private static SparkTrainerOptions Options(string run, long throwAt = 0) => new()
    {
        RunDirectory = run,
        Schedule = new PolyLrSchedule(0.01, 100),
        ReconstructionEverySteps = 2,
        ThrowOnceAtStep = throwAt,
    };

    [Fact]
    public void Batch_tensors_are_B1DHW_and_the_visible_mask_is_the_negated_block_mask()
    {
        var batch = Batch(1);
        var (image, visible) = BatchTensors.Create(batch, TorchSharp.torch.CPU);
        using (image)
        using (visible)
        {
            Assert.Equal(new long[] { 2, 1, 32, 32, 32 }, image.shape);
            Assert.Equal(new long[] { 2, 1, 2, 2, 2 }, visible.shape);
            var v = visible.data<float>().ToArray();
            for (int i = 0; i < v.Length; i++) Assert.Equal(batch.Mask!.Cells[i] ? 0f : 1f, v[i]);
            Assert.Equal(batch.Patches[1].Voxels[12345], image[1, 0].flatten()[12345].item<float>());
            Assert.Equal(batch.Patches.SelectMany(p => p.Voxels), image.data<float>().ToArray()); // every voxel, in order
        }
        var masked = ReconstructionSnapshot.Masked(batch, 0);
        Assert.Equal(batch.Patches[0].Voxels[0], masked[0]);      // cell 0 visible
        Assert.Equal(0f, masked[31]);                               // x = 31 lies in cell 1 (masked)
    }

    [Fact]
    public void Trains_checkpoints_with_the_cursor_restores_and_throws_the_injected_fault_once()
    {
        string run = Path.Combine(Path.GetTempPath(), "spark3d-engine-" + Guid.NewGuid().ToString("N"));
        try
        {
            var factory = new SparkTrainerEngineFactory(Options(run, throwAt: 3));
            var cursor = new PipelineCursor(42, 5, 1, 2, [new VolumeSlot(1, 4)]);
            using (var engine = factory.Create())
            {
                Assert.Null(engine.RestoreLatest());
                var first = engine.Train(Batch(1));
                engine.Train(Batch(2));
                Assert.True(double.IsFinite(first.Loss) && first.Loss > 0);
                Assert.Equal(0.01, first.LearningRate, 12);
                Assert.Equal(2, engine.Step);
                engine.SaveCheckpoint(cursor);
                Assert.Throws<InjectedTrainerFaultException>(() => engine.Train(Batch(3)));
                Assert.Equal(2, engine.Step);
            }
            Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-000002.ckpt")));
            Assert.True(File.Exists(Path.Combine(run, "reconstructions", "step-000002.png")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*"));

            using var restarted = factory.Create();
            Assert.Equal(cursor, restarted.RestoreLatest());
            Assert.Equal(2, restarted.Step);
            restarted.Train(Batch(3)); // the fault fires only once per factory (process)
            Assert.Equal(3, restarted.Step);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }
}
