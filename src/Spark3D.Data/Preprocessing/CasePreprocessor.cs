using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// <see cref="VolumePreprocessor"/> for a case of C channels on one grid (nnU-Net's CASE_0000, CASE_0001, …): one
/// reorientation, one crop (to the nonzero voxels of any channel, as nnU-Net's nonzero mask), each channel normalised by
/// its own scheme (z-score, or <see cref="CtIntensityProperties"/> for a channel that has them), one resampling. The
/// record is the geometry's (and channel 0's statistics), so label maps and <see cref="VolumePreprocessor.Undo"/> work
/// as for one channel. With one z-score channel it equals <see cref="VolumePreprocessor.Process"/>.
/// </summary>
public sealed class CasePreprocessor
{
    private readonly VolumePreprocessor _single;
    private readonly IReadOnlyList<CtIntensityProperties?> _ct;

    /// <param name="options">Geometry and z-score options.</param>
    /// <param name="ctByChannel">Per channel: CT properties, or null for z-score; empty = every channel z-scored.</param>
    public CasePreprocessor(PreprocessOptions options, IReadOnlyList<CtIntensityProperties?>? ctByChannel = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _single = new VolumePreprocessor(options);
        _ct = ctByChannel ?? [];
    }

    /// <summary>The geometry and z-score options.</summary>
    public PreprocessOptions Options { get; }

    /// <summary>Preprocesses the channels of one case; they must share shape (the grid is channel 0's).</summary>
    public (IReadOnlyList<Volume> Channels, PreprocessRecord Record) Process(IReadOnlyList<Volume> channels)
    {
        var (result, record, _) = ProcessWithStats(channels);
        return (result, record);
    }

    /// <summary><see cref="Process"/>, adding each channel's z-score statistics (null for a CT channel), which the cache
    /// records per channel file.</summary>
    public (IReadOnlyList<Volume> Channels, PreprocessRecord Record, IReadOnlyList<IntensityStats?> Stats) ProcessWithStats(IReadOnlyList<Volume> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0) throw new ArgumentException("A case needs at least one channel.", nameof(channels));
        if (channels.Count == 1 && CtOf(0) is null)
        {
            var (v, r) = _single.Process(channels[0]);
            return ([v], r, [r.Stats]);
        }
        var first = channels[0];
        for (int c = 1; c < channels.Count; c++)
            if (channels[c].Shape != first.Shape)
                throw new ArgumentException($"Channel {c} has shape {channels[c].Shape}, channel 0 {first.Shape}: the channels of a case must share a grid.");
        if (Enumerable.Range(0, channels.Count).All(c => CtOf(c) is null)) return ProcessZScored(channels);
        return ProcessStepByStep(channels);
    }

    /// <summary>
    /// Every channel z-scored: fused as one volume is (<see cref="VolumePreprocessor.ProcessChannels"/>: the statistics
    /// and resampling read the union crop box straight from each channel's voxels, z-scoring as they read). One
    /// output-sized array per channel instead of four image-sized ones; bit-identical to <see cref="ProcessStepByStep"/> (tested).
    /// </summary>
    private (IReadOnlyList<Volume> Channels, PreprocessRecord Record, IReadOnlyList<IntensityStats?> Stats) ProcessZScored(IReadOnlyList<Volume> channels)
    {
        var first = channels[0];
        var (voxels, record, stats) = _single.ProcessChannels(channels.Select(c => VoxelSource.Of(c.Voxels)).ToList(), first.Shape, first.Spacing,
            first.Affine, null, n => VoxelArrays.Allocate(n), "(multi-channel case)");
        var result = voxels.Select(v => new Volume(v, record.Shape, record.Spacing, record.Affine)).ToList();
        return (result, record, stats.Select(x => (IntensityStats?)x).ToList());
    }

    /// <summary>The steps one after the other (reorient, crop, normalise, resample), for cases with a CT channel.</summary>
    internal (IReadOnlyList<Volume> Channels, PreprocessRecord Record, IReadOnlyList<IntensityStats?> Stats) ProcessStepByStep(IReadOnlyList<Volume> channels)
    {
        var first = channels[0];
        var orientation = Options.Reorient ? CanonicalReorienter.TransformFor(first.Affine, first.Shape) : OrientationTransform.Identity(first.Shape);
        var oriented = channels.Select(orientation.Apply).ToList();
        var box = Options.CropToNonzero ? NonzeroCropper.FindBox(AnyNonzero(oriented)) : CropBox.Full(oriented[0].Shape);
        if (Options.TargetSpacing is { } grid) Options.Budget.CheckResample("(multi-channel case)", box.Size, oriented[0].Spacing, grid); // before resampling allocates
        var cropped = box.IsFull ? oriented : oriented.Select(box.Apply).ToList();
        var normalized = new List<Volume>(cropped.Count);
        var channelStats = new IntensityStats?[cropped.Count];
        for (int c = 0; c < cropped.Count; c++)
        {
            if (CtOf(c) is { } ct)
            {
                normalized.Add(ct.Normalize(cropped[c]));
                continue;
            }
            var (n, stats) = ZScoreNormalizer.Normalize(cropped[c], Options.ZScore ?? ZScoreOptions.Default);
            normalized.Add(n);
            channelStats[c] = stats;
        }
        var croppedShape = normalized[0].Shape;
        var result = Options.TargetSpacing is { } target
            ? normalized.Select(n => Resampler.Resample(n, target, Options.ImageInterpolation)).ToList()
            : normalized;
        var r0 = result[0];
        var record = new PreprocessRecord(first.Shape, first.Spacing, first.Affine, orientation, box, channelStats[0],
            croppedShape, Options.ImageInterpolation, r0.Shape, r0.Spacing, r0.Affine);
        return (result, record, channelStats);
    }

    private CtIntensityProperties? CtOf(int channel) => channel < _ct.Count ? _ct[channel] : null;

    /// <summary>1 where any channel is nonzero: the crop keeps what any channel has.</summary>
    private static Volume AnyNonzero(IReadOnlyList<Volume> channels)
    {
        var mask = new float[channels[0].Voxels.Length];
        foreach (var ch in channels)
            for (long i = 0; i < mask.LongLength; i++)
                if (ch.Voxels[i] != 0) mask[i] = 1;
        return channels[0].WithVoxels(mask);
    }
}
