using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline;

/// <summary>The trainer gives each trained batch's arrays back to <see cref="PatchArrayPool.Shared"/>, and new patches reuse them.</summary>
public class PatchArrayReuseTests
{
    /// <summary>Copies the inner producer's patch into an array rented from the shared pool (as the real cutters do) and
    /// records every array it handed out.</summary>
    private sealed class PooledProducer(IPatchProducer inner) : IPatchProducer
    {
        public HashSet<float[]> Seen { get; } = new(ReferenceEqualityComparer.Instance);
        public int Calls { get; private set; }

        public Patch Produce(VolumeRef volume, Random rng)
        {
            var p = inner.Produce(volume, rng);
            var voxels = PatchArrayPool.Shared.Rent(p.Voxels.Length);
            p.Voxels.CopyTo(voxels, 0);
            lock (Seen)
            {
                Seen.Add(voxels);
                Calls++;
            }
            return p with { Voxels = voxels };
        }
    }

    [Fact]
    public async Task Patches_reuse_the_arrays_of_batches_already_trained_on()
    {
        using var data = new TestCatalog().AddGood(8);
        // 9³ patches: a length no other test rents from the shared pool.
        var producer = new PooledProducer(new RawPatchProducer(9));
        var options = data.Options(40);
        var result = await PipelineRunner.RunAsync(options, data, producer, new RandomBlockMaskAssembler(3, 0.6), new MeanFitEngineFactory(data.RunDirectory));
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.LossLast < result.LossFirst, $"loss {result.LossFirst} -> {result.LossLast}: reused arrays must hold the new patches");
        // 80 patches trained on; without the return every one would be a new array. With it, the arrays in circulation
        // are those in flight (order window, batches, the trainer's own) plus a few free ones.
        Assert.True(producer.Calls >= 80);
        Assert.InRange(producer.Seen.Count, 1, options.OrderWindow + options.BatchSize * (options.BatchChannelCapacity + 2) + PatchArrayPool.Shared.MaxFreePerLength);
        Assert.True(producer.Seen.Count < producer.Calls / 2, $"{producer.Seen.Count} distinct arrays for {producer.Calls} patches");
    }
}
