using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Everything <see cref="VolumePreprocessor"/> did to one volume: enough to apply the same geometry to its label map,
/// to undo it for a prediction (<see cref="VolumePreprocessor.Undo"/>), and to describe it in a manifest.
/// </summary>
/// <param name="OriginalShape">Shape as read.</param>
/// <param name="OriginalSpacing">Spacing as read.</param>
/// <param name="OriginalAffine">Affine as read.</param>
/// <param name="Orientation">Permutation/flip to RAS+ (identity when reorientation was off or not needed).</param>
/// <param name="Crop">Nonzero box in the reoriented grid (full box when cropping was off or the volume is all zero).</param>
/// <param name="Stats">Intensity statistics of the z-score (null for label maps).</param>
/// <param name="ResampledFrom">Shape right before resampling (the cropped shape).</param>
/// <param name="Interpolation">Interpolation used for the image.</param>
/// <param name="Shape">Final shape.</param>
/// <param name="Spacing">Final spacing (the real grid spacing, see docs/resampling.md).</param>
/// <param name="Affine">Final affine.</param>
public sealed record PreprocessRecord(
    Shape3 OriginalShape,
    Spacing3 OriginalSpacing,
    Affine OriginalAffine,
    OrientationTransform Orientation,
    CropBox Crop,
    IntensityStats? Stats,
    Shape3 ResampledFrom,
    Interpolation Interpolation,
    Shape3 Shape,
    Spacing3 Spacing,
    Affine Affine);
