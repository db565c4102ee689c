using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>Options of <see cref="VolumePreprocessor"/> (config section <c>spark3d.preprocess</c>).</summary>
/// <param name="TargetSpacing">Voxel size to resample to, mm (default 1×1×1); null keeps the spacing (no resampling).</param>
/// <param name="ImageInterpolation">Interpolation for images (default trilinear); label maps always use nearest.</param>
/// <param name="ZScore">Z-score options (default: statistics over nonzero voxels).</param>
/// <param name="CropToNonzero">Crop to the nonzero bounding box before normalising (default on).</param>
/// <param name="Reorient">Reorient to the closest RAS+ orientation first (default on).</param>
/// <param name="MaxVolumeVoxels">The voxel budget of one volume, as read and as resampled (<see cref="VoxelBudget"/>).</param>
public sealed record PreprocessOptions(
    Spacing3? TargetSpacing,
    Interpolation ImageInterpolation = Interpolation.Trilinear,
    ZScoreOptions? ZScore = null,
    bool CropToNonzero = true,
    bool Reorient = true,
    long MaxVolumeVoxels = VoxelBudget.DefaultMaxVoxels)
{
    public static PreprocessOptions Default { get; } = new(Spacing3.Isotropic1mm);

    /// <summary>The voxel budget as a checker.</summary>
    public VoxelBudget Budget => new(MaxVolumeVoxels);
}
