namespace Spark3D.Training.Ports;

/// <summary>The ordered list of volumes a run draws from. Its order is the identity order that the seeded per-epoch
/// permutation shuffles, so it must be stable between a run and its resumption (e.g. sorted by id).</summary>
public interface IVolumeCatalog
{
    /// <summary>All volumes, in a stable order.</summary>
    IReadOnlyList<VolumeRef> Volumes { get; }
}
