using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Segmentation;

/// <summary>
/// nnU-Net's CT normalisation statistics of one channel over a data set (<see cref="CtIntensityProperties"/>): the
/// foreground samples of every labelled case, pooled in the given case order. `finetune` and `preprocess` both call it
/// with the cases ordered by id, so the same data set gives the same doubles and a preprocessed cache can be matched.
/// </summary>
public static class DatasetCtStatistics
{
    /// <summary>Whether a dataset.json channel name asks for CT normalisation (nnU-Net: "CT", any case).</summary>
    public static bool IsCt(string channelName) => string.Equals(channelName, "CT", StringComparison.OrdinalIgnoreCase);

    /// <summary>The one-line account both commands log: "channel C (CT): clip to [...], mean ..., std ... over N ...".</summary>
    public static string Describe(int channel, CtIntensityProperties p, int samples, int cases) => FormattableString.Invariant(
        $"channel {channel} (CT): clip to [{p.Percentile005:0.##}, {p.Percentile995:0.##}], mean {p.Mean:0.##}, std {p.Std:0.##} over {samples} foreground voxels of {cases} cases");

    /// <summary>Properties of the pooled samples and how many there were.</summary>
    /// <exception cref="ArgumentException">No foreground voxel, or an image and its label map differ in shape.</exception>
    /// <exception cref="NiftiFormatException">A file cannot be read.</exception>
    public static (CtIntensityProperties Properties, int Samples) Collect(IEnumerable<(string Image, string Labels)> cases, int? ignoreLabel)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var samples = cases.Select(k => CtIntensityProperties.Samples(NiftiReader.Read(k.Image).Volume, NiftiReader.Read(k.Labels).Volume, ignoreLabel)).ToList();
        return (CtIntensityProperties.FromSamples(samples), samples.Sum(s => s.Length));
    }
}
