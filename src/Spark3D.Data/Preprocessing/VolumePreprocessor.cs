using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// The offline preprocessing of one volume, in nnU-Net/nnssl order: reorient to RAS+ → crop to nonzero → z-score
/// (on the cropped volume, before resampling) → resample to the target spacing. Label maps follow the image's
/// geometry with nearest-neighbour sampling and no z-score; <see cref="Undo"/> takes a prediction back to the
/// original grid.
/// </summary>
public sealed class VolumePreprocessor
{
    public VolumePreprocessor(PreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public PreprocessOptions Options { get; }

    /// <summary>Preprocesses an image and records what was done.</summary>
    public (Volume Volume, PreprocessRecord Record) Process(Volume image) => Process(image, "(in-memory volume)");

    /// <summary>
    /// Preprocesses an image read from <paramref name="source"/> (named in errors) and records what was done. The
    /// image's grid and the grid resampling would make are checked against <see cref="PreprocessOptions.Budget"/>
    /// before they are allocated (<see cref="VoxelBudgetExceededException"/>).
    /// </summary>
    public (Volume Volume, PreprocessRecord Record) Process(Volume image, string source)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(source);
        var budget = Options.Budget;
        budget.CheckGrid(source, "image grid", image.Shape);
        var orientation = Options.Reorient
            ? CanonicalReorienter.TransformFor(image.Affine, image.Shape)
            : OrientationTransform.Identity(image.Shape);
        var v = orientation.Apply(image);
        var box = Options.CropToNonzero ? NonzeroCropper.FindBox(v) : CropBox.Full(v.Shape);
        if (Options.TargetSpacing is { } grid) budget.CheckResample(source, box.Size, v.Spacing, grid);
        if (!box.IsFull) v = box.Apply(v);
        var (normalized, stats) = ZScoreNormalizer.Normalize(v, Options.ZScore ?? ZScoreOptions.Default);
        var croppedShape = normalized.Shape;
        var result = Options.TargetSpacing is { } target
            ? Resampler.Resample(normalized, target, Options.ImageInterpolation)
            : normalized;
        var record = new PreprocessRecord(image.Shape, image.Spacing, image.Affine, orientation, box, stats,
            croppedShape, Options.ImageInterpolation, result.Shape, result.Spacing, result.Affine);
        return (result, record);
    }

    /// <summary>
    /// Brings a label map on the original image grid onto the preprocessed grid of <paramref name="record"/>:
    /// same reorientation and crop, nearest-neighbour resampling to the same shape, no z-score.
    /// </summary>
    public static Volume ProcessLabels(Volume labels, PreprocessRecord record)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(record);
        if (labels.Shape != record.OriginalShape)
            throw new ArgumentException($"Label map shape {labels.Shape} differs from the image shape {record.OriginalShape}.", nameof(labels));
        var v = record.Crop.Apply(record.Orientation.Apply(labels));
        return v.Shape == record.Shape ? v : Resampler.Resample(v, record.Shape, Interpolation.Nearest);
    }

    /// <summary>
    /// Takes a volume on the preprocessed grid (e.g. a prediction) back to the original grid: resample to the
    /// cropped shape, paste into the uncropped volume (zero outside), undo the reorientation. Use
    /// <see cref="Interpolation.Nearest"/> for label maps.
    /// </summary>
    public static Volume Undo(Volume processed, PreprocessRecord record, Interpolation mode)
    {
        ArgumentNullException.ThrowIfNull(processed);
        ArgumentNullException.ThrowIfNull(record);
        if (processed.Shape != record.Shape)
            throw new ArgumentException($"Volume shape {processed.Shape} differs from the preprocessed shape {record.Shape}.", nameof(processed));
        var v = processed.Shape == record.ResampledFrom ? processed : Resampler.Resample(processed, record.ResampledFrom, mode);
        v = record.Crop.Uncrop(v);
        var back = record.Orientation.Invert(v);
        // The grid is the original one by construction; restore its exact header values.
        return new Volume(back.Voxels, record.OriginalShape, record.OriginalSpacing, record.OriginalAffine);
    }
}
