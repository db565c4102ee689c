using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// Draws crop origins for fixed-size patches. Along an axis where the volume is at least as large as the patch the
/// origin is uniform over every valid position [0, volume − patch]; where the volume is smaller, the volume is placed
/// at a uniform random offset inside the patch (origin in [volume − patch, 0], so the crop includes zero padding).
/// All randomness comes from the caller's <see cref="Random"/>, so a seeded generator reproduces the sequence.
/// </summary>
public sealed class RandomPatchSampler
{
    public RandomPatchSampler(Shape3 patchSize)
    {
        if (patchSize.X <= 0 || patchSize.Y <= 0 || patchSize.Z <= 0)
            throw new ArgumentException($"Patch size {patchSize} must be positive on every axis.", nameof(patchSize));
        PatchSize = patchSize;
    }

    public Shape3 PatchSize { get; }

    /// <summary>A uniform random crop origin for a volume of the given shape.</summary>
    public (int X, int Y, int Z) SampleOrigin(Shape3 volumeShape, Random rng) =>
        SampleOrigin(volumeShape, rng, null, 0);

    /// <summary>
    /// Like <see cref="SampleOrigin(Shape3, Random)"/>, but with probability <paramref name="foregroundProbability"/>
    /// (and a non-empty list) the patch is centred on a random foreground voxel instead, clamped so it stays within the
    /// same range of origins as uniform sampling (it never adds more padding than the volume needs).
    /// </summary>
    public (int X, int Y, int Z) SampleOrigin(
        Shape3 volumeShape, Random rng, IReadOnlyList<(int x, int y, int z)>? foregroundVoxels, double foregroundProbability)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (volumeShape.X <= 0 || volumeShape.Y <= 0 || volumeShape.Z <= 0)
            throw new ArgumentException($"Volume shape {volumeShape} must be positive on every axis.", nameof(volumeShape));
        if (foregroundProbability is < 0 or > 1 || double.IsNaN(foregroundProbability))
            throw new ArgumentOutOfRangeException(nameof(foregroundProbability), foregroundProbability, "Must be in [0, 1].");

        if (foregroundVoxels is { Count: > 0 } && foregroundProbability > 0 && rng.NextDouble() < foregroundProbability)
        {
            var (fx, fy, fz) = foregroundVoxels[rng.Next(foregroundVoxels.Count)];
            return (Centre(fx, volumeShape.X, PatchSize.X), Centre(fy, volumeShape.Y, PatchSize.Y), Centre(fz, volumeShape.Z, PatchSize.Z));
        }
        return (Uniform(volumeShape.X, PatchSize.X, rng), Uniform(volumeShape.Y, PatchSize.Y, rng), Uniform(volumeShape.Z, PatchSize.Z, rng));
    }

    private static int Uniform(int volume, int patch, Random rng) =>
        volume >= patch ? rng.Next(0, volume - patch + 1) : -rng.Next(0, patch - volume + 1);

    private static int Centre(int voxel, int volume, int patch)
    {
        int lo = Math.Min(0, volume - patch), hi = Math.Max(0, volume - patch);
        return Math.Clamp(voxel - patch / 2, lo, hi);
    }
}
