using Spark3D.Data.Sampling;
using Spark3D.Data.Seeding;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Engines;

/// <summary>
/// The validation cases' patches: <paramref name="patchesPerCase"/> per case, each drawn with its own fixed seed, so
/// every validation of the run (and of a resumed run) scores the same voxels. Produced afresh each time (the producer's
/// case cache keeps the reading cheap) rather than held in memory between validations.
/// </summary>
public sealed class ValidationSet(IPatchProducer producer, IReadOnlyList<VolumeRef> volumes, int patchesPerCase, long seed)
{
    /// <summary>The validation cases.</summary>
    public IReadOnlyList<VolumeRef> Volumes => volumes;

    /// <summary>The patches, case by case.</summary>
    public IEnumerable<Patch> Patches()
    {
        for (int i = 0; i < volumes.Count; i++)
        {
            for (int k = 0; k < patchesPerCase; k++)
                yield return producer.Produce(volumes[i], new Random(SeedMixer.Mix(seed, SeedMixer.Validation, i, k)));
        }
    }
}
