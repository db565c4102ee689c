using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// Patch settings (HOCON <c>spark3d.data.patch-size</c>, <c>spark3d.data.foreground-probability</c>).
/// <see cref="ForegroundProbability"/> only matters where foreground voxels are known (fine-tuning; nnU-Net uses 0.33).
/// </summary>
public sealed record PatchSamplingOptions(Shape3 PatchSize, double ForegroundProbability = 0.33)
{
    /// <summary>160³ patches, the spec's pre-training size.</summary>
    public static PatchSamplingOptions Default { get; } = new(new Shape3(160, 160, 160));

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (PatchSize.X <= 0 || PatchSize.Y <= 0 || PatchSize.Z <= 0)
            throw new ArgumentException($"Patch size {PatchSize} must be positive on every axis.", nameof(PatchSize));
        if (!(ForegroundProbability is >= 0 and <= 1))
            throw new ArgumentException($"Foreground probability must be in [0, 1] (got {ForegroundProbability}).", nameof(ForegroundProbability));
    }
}
