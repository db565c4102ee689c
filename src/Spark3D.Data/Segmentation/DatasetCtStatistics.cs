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
