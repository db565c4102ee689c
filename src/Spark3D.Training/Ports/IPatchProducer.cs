using Spark3D.Data.Sampling;

namespace Spark3D.Training.Ports;

/// <summary>Turns a volume reference into one training patch: load (or read a crop from the cache), sample, augment.
/// Called concurrently from several preprocessor actors, so implementations must be thread-safe.</summary>
/// <remarks>Failure contract (<see cref="PatchFailures.IsTransient"/>): an <see cref="IOException"/> other than a missing,
/// truncated or corrupt file is treated as transient and retried with backoff; any other exception means the volume is
/// unusable and it is quarantined.</remarks>
public interface IPatchProducer
{
    /// <summary>Produces one patch from <paramref name="volume"/>; all randomness must come from <paramref name="rng"/>.</summary>
    Patch Produce(VolumeRef volume, Random rng);
}
