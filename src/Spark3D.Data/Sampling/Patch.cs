using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>A cropped training patch: voxels (X fastest) and its size. Carries no spacing/affine: patches live on the cache grid.</summary>
public sealed record Patch(float[] Voxels, Shape3 Shape)
{
    /// <summary>Where in the source volume the patch's voxel (0,0,0) lies (may be negative when padded).</summary>
    public (int X, int Y, int Z) Origin { get; init; }
}
