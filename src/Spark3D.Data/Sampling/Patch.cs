using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// One single-channel float32 patch cut from a volume on its (cache) grid, for training or inspection.
/// <para>Axis convention, the same as <see cref="Volume"/>'s and used everywhere: <see cref="Shape"/> is (X, Y, Z) and
/// the voxels are X fastest, index = x + X·(y + Y·z). Read as a C-order array that is shape (Z, Y, X), which is what a
/// torch tensor of a patch is: (D, H, W) = (Z, Y, X). No code reorders voxels between the two views.</para>
/// </summary>
/// <param name="Voxels">The voxel values, X fastest (<see cref="Shape"/>.Count of them).</param>
/// <param name="Shape">Patch size (X, Y, Z).</param>
/// <param name="Labels">The matching label map (same layout, integer values) for supervised fine-tuning; null for MAE
/// pre-training.</param>
public sealed record Patch(float[] Voxels, Shape3 Shape, float[]? Labels = null)
{
    /// <summary>Where in the source volume the patch's voxel (0,0,0) lies (may be negative when padded).</summary>
    public (int X, int Y, int Z) Origin { get; init; }

    /// <summary>Number of voxels (X·Y·Z).</summary>
    public int VoxelCount => checked((int)Shape.Count);
}
