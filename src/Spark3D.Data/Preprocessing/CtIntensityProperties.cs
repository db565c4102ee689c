using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// nnU-Net's CT normalisation (<c>CTNormalization</c>): statistics of the foreground voxels (label &gt; 0) of the whole
/// training set, then every image is clipped to [<see cref="Percentile005"/>, <see cref="Percentile995"/>] and z-scored
/// with the global <see cref="Mean"/> and <see cref="Std"/> (of the unclipped samples, as nnU-Net's fingerprint).
/// Per case at most <see cref="SamplesPerCase"/> foreground voxels are taken, evenly strided (nnU-Net draws 10,000 at
/// random; strided keeps it deterministic).
/// </summary>
public sealed record CtIntensityProperties(double Mean, double Std, double Percentile005, double Percentile995)
{
    /// <summary>Foreground voxels taken per case, at most.</summary>
    public const int SamplesPerCase = 10_000;

    /// <summary>The foreground samples of one case: image voxels where <paramref name="labels"/> &gt; 0 (and not
    /// <paramref name="ignoreLabel"/>), at most <see cref="SamplesPerCase"/>, evenly strided in voxel order.</summary>
    public static float[] Samples(Volume image, Volume labels, int? ignoreLabel = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Shape != labels.Shape) throw new ArgumentException($"Image {image.Shape} and label map {labels.Shape} differ in shape.");
        var all = new List<float>();
        for (long i = 0; i < image.Voxels.LongLength; i++)
        {
            int l = (int)MathF.Round(labels.Voxels[i]);
            if (l > 0 && l != ignoreLabel) all.Add(image.Voxels[i]);
        }
        if (all.Count <= SamplesPerCase) return [.. all];
        double stride = (double)all.Count / SamplesPerCase;
        var picked = new float[SamplesPerCase];
        for (int i = 0; i < SamplesPerCase; i++) picked[i] = all[(int)(i * stride)];
        return picked;
    }

    /// <summary>The properties of the pooled samples of all training cases (numpy's mean, std with ddof 0, and
    /// percentile with linear interpolation).</summary>
    public static CtIntensityProperties FromSamples(IEnumerable<float[]> perCase)
    {
        ArgumentNullException.ThrowIfNull(perCase);
        var pooled = perCase.SelectMany(s => s).Select(v => (double)v).ToArray();
        if (pooled.Length == 0) throw new ArgumentException("No foreground voxel in any training case: CT statistics need labelled voxels.");
        double mean = pooled.Average();
        double std = Math.Sqrt(pooled.Sum(v => (v - mean) * (v - mean)) / pooled.Length);
        Array.Sort(pooled);
        return new CtIntensityProperties(mean, std, Percentile(pooled, 0.5), Percentile(pooled, 99.5));
    }

    /// <summary>Clip to the percentiles, subtract the mean, divide by max(std, 1e-8).</summary>
    public Volume Normalize(Volume image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var src = image.Voxels;
        var dst = new float[src.Length];
        double inv = 1 / Math.Max(Std, 1e-8);
        long nonFinite = 0;
        for (long i = 0; i < src.LongLength; i++)
        {
            float x = src[i];
            if (!float.IsFinite(x)) nonFinite++;
            dst[i] = (float)((Math.Clamp(x, Percentile005, Percentile995) - Mean) * inv);
        }
        if (nonFinite > 0) throw new NonFiniteVoxelsException(nonFinite, src.LongLength);
        return image.WithVoxels(dst);
    }

    private static double Percentile(double[] sorted, double percent)
    {
        double pos = percent / 100 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
