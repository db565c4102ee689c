using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Interop;
using Spark3D.Model.Mae;
using Spark3D.Model.Training;
using Spark3D.Training.Engines;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using static TorchSharp.torch;

namespace Spark3D.Training.Tests.Engines;

/// <summary>`spark3d.model.device.bf16 = true` in both trainer engines: the network computes in bf16, the optimiser and
/// checkpoints hold fp32 masters, a restart restores them; fine-tuning's frozen encoder stays frozen. Tiny preset, 32³.</summary>
public sealed class Bf16EngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-bf16-engine-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static TrainingBatch Batch(int seed, bool labels = false)
    {
        var rng = new Random(seed);
        var patches = Enumerable.Range(0, 2).Select(_ =>
        {
            var v = new float[32 * 32 * 32];
            var l = labels ? new float[v.Length] : null;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(Math.Sin(i * 0.01) + 0.1 * rng.NextDouble());
                if (l is not null) l[i] = v[i] > 0.5f ? 2 : v[i] > 0 ? 1 : 0;
            }
            return new Patch(v, new Shape3(32, 32, 32), l);
        }).ToList();
        var mask = new bool[2 * 8];
        for (int i = 0; i < mask.Length; i++) mask[i] = i % 4 != 0;
        return new TrainingBatch(patches, new BatchMask(mask, new Shape3(2, 2, 2), 0.75));
    }

    private static void AssertPrecision(nn.Module master, nn.Module compute)
    {
        Assert.All(master.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        foreach (var (name, p) in compute.named_parameters())
            Assert.True(p.dtype == (name.Contains(".norm.", StringComparison.Ordinal) ? ScalarType.Float32 : ScalarType.BFloat16), $"{name}: {p.dtype}");
    }

    [Fact]
    public void The_pretraining_engine_trains_in_bf16_and_checkpoints_and_restores_fp32_masters()
    {
        var factory = new SparkTrainerEngineFactory(new SparkTrainerOptions
        {
            RunDirectory = _dir, Schedule = new PolyLrSchedule(0.01, 100), ReconstructionEverySteps = 2, ComputeDType = ScalarType.BFloat16,
        });
        byte[] saved;
        using (var engine = (SparkTrainerEngine)factory.Create())
        {
            AssertPrecision(engine.Model, engine.ComputeModel);
            for (int s = 1; s <= 3; s++) Assert.True(double.IsFinite(engine.Train(Batch(s)).Loss));
            engine.SaveCheckpoint(new PipelineCursor(42, 4, 0, 2, []));
            saved = TorchSharpStateDict.Save(engine.Model);
            AssertPrecision(engine.Model, engine.ComputeModel);
        }
        Assert.Equal(saved, CheckpointStore.Read(Path.Combine(_dir, "checkpoints", "step-000003.ckpt")).ModelState);
        Assert.True(File.Exists(Path.Combine(_dir, "reconstructions", "step-000002.png")));

        using var restarted = (SparkTrainerEngine)factory.Create();
        Assert.NotNull(restarted.RestoreLatest());
        Assert.Equal(3, restarted.Step);
        Assert.Equal(saved, TorchSharpStateDict.Save(restarted.Model));
        using (no_grad())
        {
            var compute = restarted.ComputeModel.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, master) in restarted.Model.named_parameters())
                Assert.True(master.to(compute[name].dtype).eq(compute[name]).all().item<bool>(), $"{name}: compute twin not synced after restore");
        }
        Assert.True(double.IsFinite(restarted.Train(Batch(4)).Loss));
        Assert.Equal(4, restarted.Step);
    }

    [Fact]
    public void The_fine_tuning_engine_trains_in_bf16_and_its_frozen_encoder_stays_bit_identical()
    {
        manual_seed(7);
        using (var mae = SparkMae.FromPreset("tiny"))
            new CheckpointStore(Path.Combine(_dir, "pretrain"), 1).Save(Checkpoint.Capture(mae, null, 100, includeTorchRng: false));
        var pretrained = PretrainedWeights.ReadCheckpoint(Path.Combine(_dir, "pretrain"));
        var options = new SegmentationEngineOptions("tiny", 3, new OptimizerOptions(), new SawtoothFineTuneSchedule(1e-3, 2, 2, 2, 10),
            Path.Combine(_dir, "ft"), Pretrained: pretrained, ComputeDType: ScalarType.BFloat16);
        using var engine = new SegmentationTrainerEngine(options);
        AssertPrecision(engine.Network, engine.ComputeNetwork);
        var before = Snapshot(engine.Network);
        for (int s = 0; s < 3; s++)
        {
            Assert.True(engine.DecoderOnlyAt(engine.Step));
            Assert.True(double.IsFinite(engine.Train(Batch(s, labels: true)).Loss));
        }
        var after = Snapshot(engine.Network);
        Assert.All(before.Keys.Where(WeightFilters.IsEncoder), k => Assert.Equal(before[k], after[k]));
        Assert.Contains(before.Keys.Where(WeightFilters.IsDecoderOnly), k => !before[k].SequenceEqual(after[k]));
        AssertPrecision(engine.Network, engine.ComputeNetwork);
    }

    private static Dictionary<string, float[]> Snapshot(nn.Module m) =>
        m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());
}
