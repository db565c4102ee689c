using System.Diagnostics;
using Spark3D.Data.Nifti;
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
    public (Volume Volume, PreprocessRecord Record) Process(Volume image) => Process(image, InMemory);

    private const string InMemory = "(in-memory volume)";

    /// <summary>
    /// Preprocesses an image read from <paramref name="source"/> (named in errors). The image's grid and the grid
    /// resampling would make are checked against <see cref="PreprocessOptions.Budget"/> before they are allocated
    /// (<see cref="VoxelBudgetExceededException"/>).
    /// </summary>
    public (Volume Volume, PreprocessRecord Record) Process(Volume image, string source)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(source);
        var (voxels, record) = Process(VoxelSource.Of(image.Voxels), image.Shape, image.Spacing, image.Affine, null,
            n => VoxelArrays.Allocate(n), source);
        return (new Volume(voxels, record.Shape, record.Spacing, record.Affine), record);
    }

    /// <summary>
    /// Reads volume 0 of the NIfTI file <paramref name="path"/> and preprocesses it like <see cref="Process(Volume, string)"/>,
    /// bit for bit, without ever holding the image as float32: its raw elements go to a pooled buffer and are converted
    /// as the preprocessing reads them (as the cache build does). <paramref name="checkImage"/> sees the image's shape
    /// before anything is processed (to refuse it early). On the mricron templates this took 149–274 ms per pass over
    /// seven files against 165–413 ms for reading float32 first (docs/preprocess.md).
    /// </summary>
    public (Volume Volume, PreprocessRecord Record) ProcessFile(string path, Action<Shape3>? checkImage = null)
    {
        var (voxels, record) = ProcessFile(path, null, n => VoxelArrays.Allocate(n), checkImage);
        return (new Volume(voxels, record.Shape, record.Spacing, record.Affine), record);
    }

    /// <summary><see cref="ProcessFile(string, Action{Shape3}?)"/> into an array from <paramref name="allocate"/> (a
    /// pooled, longer one is fine: the voxels are its start), timing the read and each step into <paramref name="timings"/>.</summary>
    internal (float[] Voxels, PreprocessRecord Record) ProcessFile(string path, StageTimings? timings, Func<int, float[]> allocate,
        Action<Shape3>? checkImage = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (header, affine, raw) = NiftiReader.ReadRaw(path, 0, timings);
        using (raw)
        {
            checkImage?.Invoke(header.Shape);
            return Process(raw, header.Shape, header.Spacing, affine, timings, allocate, path);
        }
    }

    /// <summary>
    /// Preprocesses an image, adding the time of each step to <paramref name="timings"/> (reorient, crop, statistics,
    /// resample). The steps are fused: the nonzero box is found on the image as read and mapped through the
    /// reorientation, the statistics and the resampling read the box straight from the image's voxels (a copy is
    /// made only when the reorientation moves or flips the x axis), and voxels are z-scored as the resampler reads
    /// them. The result is bit-identical to running <see cref="OrientationTransform.Apply"/>, <see cref="CropBox.Apply"/>,
    /// <see cref="ZScoreNormalizer.Normalize"/> and <see cref="Resampler.Resample(Volume, Spacing3, Interpolation)"/>
    /// one after the other, with one output-sized allocation instead of four image-sized ones.
    /// </summary>
    public (Volume Volume, PreprocessRecord Record) Process(Volume image, StageTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (voxels, record) = Process(VoxelSource.Of(image.Voxels), image.Shape, image.Spacing, image.Affine, timings,
            n => VoxelArrays.Allocate(n), InMemory);
        return (new Volume(voxels, record.Shape, record.Spacing, record.Affine), record);
    }

    /// <summary>
    /// The fused preprocessing of <see cref="Process(Volume, StageTimings?)"/> on any voxel source (a float volume, or the
    /// raw elements of a NIfTI file converted as they are read). The output voxels go to the start of an array from
    /// <paramref name="allocate"/> (called once with the output voxel count; a pooled, longer array is fine).
    /// </summary>
    internal (float[] Voxels, PreprocessRecord Record) Process(VoxelSource source, Shape3 shape, Spacing3 spacing, Affine affine,
        StageTimings? timings, Func<int, float[]> allocate, string sourceName = InMemory)
    {
        Options.Budget.CheckGrid(sourceName, "image grid", shape);
        var (voxels, record, _) = ProcessChannels([source], shape, spacing, affine, timings, allocate, sourceName);
        return (voxels[0], record);
    }

    /// <summary>
    /// The fused preprocessing of several channels on one grid (<paramref name="shape"/>, <paramref name="spacing"/>,
    /// <paramref name="affine"/>), each z-scored by its own statistics: one reorientation; one crop box, the union of the
    /// channels' nonzero boxes (found on the grid as read, so the box of "any channel nonzero"); one output grid. With one
    /// channel this is <see cref="Process(VoxelSource, Shape3, Spacing3, Affine, StageTimings?, Func{int, float[]}, string)"/>.
    /// Returns each channel's output voxels (from <paramref name="allocate"/>) and statistics; the record carries
    /// channel 0's.
    /// </summary>
    internal (float[][] Voxels, PreprocessRecord Record, IntensityStats[] Stats) ProcessChannels(IReadOnlyList<VoxelSource> sources,
        Shape3 shape, Spacing3 spacing, Affine affine, StageTimings? timings, Func<int, float[]> allocate, string sourceName)
    {
        long t = Stopwatch.GetTimestamp();
        var orientation = Options.Reorient
            ? CanonicalReorienter.TransformFor(affine, shape)
            : OrientationTransform.Identity(shape);
        var orientedSpacing = orientation.OutputSpacing(spacing);
        var orientedAffine = orientation.OutputAffine(affine);
        t = Lap(timings, PreprocessStage.Reorient, t);

        var box = CropBox.Full(orientation.OutputShape);
        if (Options.CropToNonzero)
        {
            var boxes = sources.Select(s => NonzeroCropper.FindBoxOrNull(VoxelView.Of(s, shape))).OfType<CropBox>().ToList();
            if (boxes.Count > 0) box = orientation.MapBox(CropBox.Union(boxes));
        }
        t = Lap(timings, PreprocessStage.Crop, t);

        var croppedAffine = box.IsFull ? orientedAffine : box.CroppedAffine(orientedAffine);
        Shape3 outShape = box.Size;
        Spacing3 outSpacing = orientedSpacing;
        Affine outAffine = croppedAffine;
        if (Options.TargetSpacing is { } target)
        {
            Options.Budget.CheckResample(sourceName, box.Size, orientedSpacing, target); // before the output is allocated
            outShape = ResampleGrid.OutputShape(box.Size, orientedSpacing, target);
            outSpacing = ResampleGrid.OutputSpacing(box.Size, orientedSpacing, outShape);
            outAffine = ResampleGrid.OutputAffine(box.Size, croppedAffine, outShape);
        }
        var zscore = Options.ZScore ?? ZScoreOptions.Default;
        bool foregroundOnly = zscore.Mode == ZScoreMode.Nonzero;
        var voxels = new float[sources.Count][];
        var stats = new IntensityStats[sources.Count];
        for (int c = 0; c < sources.Count; c++)
        {
            var view = orientation.ViewOf(sources[c], box.Offset, box.Size);
            if (view is null)
            {
                view = VoxelView.Of(orientation.Gather(sources[c], box.Offset, box.Size), box.Size);
                t = Lap(timings, PreprocessStage.Reorient, t);
            }
            stats[c] = ZScoreNormalizer.Measure(view.Value, foregroundOnly, zscore.MinStd);
            t = Lap(timings, PreprocessStage.Statistics, t);
            voxels[c] = allocate(checked((int)outShape.Count));
            Resampler.Resample(view.Value, ZScoreMap.From(stats[c], foregroundOnly), outShape, Options.ImageInterpolation, voxels[c]);
            t = Lap(timings, PreprocessStage.Resample, t);
        }
        var record = new PreprocessRecord(shape, spacing, affine, orientation, box, stats[0],
            box.Size, Options.ImageInterpolation, outShape, outSpacing, outAffine);
        return (voxels, record, stats);
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
        var o = record.Orientation;
        var box = record.Crop;
        var view = o.ViewOrCopy(VoxelSource.Of(labels.Voxels), box.Offset, box.Size);
        var affine = box.CroppedAffine(o.OutputAffine(labels.Affine));
        var spacing = o.OutputSpacing(labels.Spacing);
        var voxels = VoxelArrays.Allocate(record.Shape.Count);
        Resampler.Resample(view, null, record.Shape, Interpolation.Nearest, voxels);
        if (box.Size == record.Shape) return new Volume(voxels, box.Size, spacing, affine);
        return new Volume(voxels, record.Shape, ResampleGrid.OutputSpacing(box.Size, spacing, record.Shape),
            ResampleGrid.OutputAffine(box.Size, affine, record.Shape));
    }

    private static long Lap(StageTimings? timings, PreprocessStage stage, long t) =>
        timings?.Lap(stage, t) ?? Stopwatch.GetTimestamp();

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
