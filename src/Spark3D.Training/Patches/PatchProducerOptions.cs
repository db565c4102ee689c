using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Training.Patches;

/// <summary>Settings shared by <see cref="CachePatchProducer"/> and <see cref="NiftiPatchProducer"/>.</summary>
/// <param name="PatchSize">Patch size (X, Y, Z) of the produced <see cref="Patch"/>es.</param>
public sealed record PatchProducerOptions(Shape3 PatchSize)
{
    /// <summary>Spatial augmentation (mirroring, rotation, scale); <see cref="AugmentationOptions.None"/> for plain crops.</summary>
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.Default;

    /// <summary>Cache files kept open (memory-mapped) at once, least recently used closed first.</summary>
    public int MaxOpenFiles { get; init; } = 32;

    /// <summary>Preprocessed raw volumes kept in memory (raw NIfTI mode only), least recently used dropped first.</summary>
    public int MaxCachedVolumes { get; init; } = 4;

    /// <summary>Verify each cache chunk's checksum on its first read.</summary>
    public bool VerifyChunks { get; init; } = true;

    /// <summary>A volume with fewer voxels than this along any axis is rejected (a 1-voxel "volume" is not an image).</summary>
    public int MinVolumeExtent { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (PatchSize.X <= 0 || PatchSize.Y <= 0 || PatchSize.Z <= 0)
            throw new ArgumentException($"Patch size {PatchSize} must be positive on every axis.", nameof(PatchSize));
        if (MaxOpenFiles <= 0) throw new ArgumentException($"{nameof(MaxOpenFiles)} must be > 0 (got {MaxOpenFiles}).", nameof(MaxOpenFiles));
        if (MaxCachedVolumes <= 0) throw new ArgumentException($"{nameof(MaxCachedVolumes)} must be > 0 (got {MaxCachedVolumes}).", nameof(MaxCachedVolumes));
        if (MinVolumeExtent <= 0) throw new ArgumentException($"{nameof(MinVolumeExtent)} must be > 0 (got {MinVolumeExtent}).", nameof(MinVolumeExtent));
        ArgumentNullException.ThrowIfNull(Augmentation);
        Augmentation.Validate();
    }
}
