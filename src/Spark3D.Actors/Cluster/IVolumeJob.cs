namespace Spark3D.Actors.Cluster;

/// <summary>
/// The per-volume preprocessing step a worker runs (read source, preprocess, write the cache file with temp + rename).
/// Must be idempotent: a lease that times out is re-granted, so the same item may run twice, and the second run must
/// leave the same output. Called on a dedicated thread, never on an actor dispatcher thread; may block.
/// Thrown exceptions are reported as a failed item with the exception message as reason.
/// </summary>
public interface IVolumeJob
{
    /// <summary>Processes one volume; returns ok (output path, hash, stats) or failed (reason).</summary>
    VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct);
}
