using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Per-volume z-score: (x − mean)/std over the foreground (nonzero voxels, the default) or over all voxels.
/// Never produces NaN/Inf from the statistics: if std ≤ <see cref="ZScoreOptions.MinStd"/> (constant volume) the
/// volume is only centred (divided by 1); if there is no foreground the volume is returned unchanged.
/// Statistics are accumulated in double, in parallel over slices. NaN/Inf voxels: <see cref="NonFiniteVoxelsException"/>.
/// </summary>
public static class ZScoreNormalizer
{
    public static (Volume Volume, IntensityStats Stats) Normalize(Volume v, ZScoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(v);
        options ??= ZScoreOptions.Default;
        bool foregroundOnly = options.Mode == ZScoreMode.Nonzero;
        var stats = Measure(v, foregroundOnly, options.MinStd);
        var src = v.Voxels;
        var dst = new float[src.Length];
        double mean = stats.Mean, inv = 1 / stats.Divisor;
        long plane = (long)v.Shape.X * v.Shape.Y;
        Parallel.For(0, v.Shape.Z, z =>
        {
            long end = (z + 1) * plane;
            for (long i = z * plane; i < end; i++)
            {
                float x = src[i];
                dst[i] = foregroundOnly && x == 0 ? 0f : (float)((x - mean) * inv);
            }
        });
        return (v.WithVoxels(dst), stats);
    }

    /// <summary>The statistics alone (mean, std, min, max, count over the chosen voxels).</summary>
    public static IntensityStats Measure(Volume v, bool foregroundOnly, double minStd = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(v);
        var src = v.Voxels;
        long plane = (long)v.Shape.X * v.Shape.Y;
        var sync = new object();
        long count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        Parallel.For(0, v.Shape.Z, () => (N: 0L, Sum: 0.0, Min: double.PositiveInfinity, Max: double.NegativeInfinity), (z, _, acc) =>
        {
            long end = (z + 1) * plane;
            for (long i = z * plane; i < end; i++)
            {
                float x = src[i];
                if (foregroundOnly && x == 0) continue;
                acc.N++;
                acc.Sum += x;
                if (x < acc.Min) acc.Min = x;
                if (x > acc.Max) acc.Max = x;
            }
            return acc;
        }, acc => { lock (sync) { count += acc.N; sum += acc.Sum; min = Math.Min(min, acc.Min); max = Math.Max(max, acc.Max); } });
        if (!double.IsFinite(sum))
            throw new NonFiniteVoxelsException(src.LongLength - src.Count(float.IsFinite), src.LongLength);
        if (count == 0) return new IntensityStats(0, 0, 0, 0, 0, 1);
        double mean = sum / count;
        // Second pass around the mean: numerically stable where sum-of-squares would cancel.
        double ss = 0;
        Parallel.For(0, v.Shape.Z, () => 0.0, (z, _, acc) =>
        {
            long end = (z + 1) * plane;
            for (long i = z * plane; i < end; i++)
            {
                float x = src[i];
                if (foregroundOnly && x == 0) continue;
                double d = x - mean;
                acc += d * d;
            }
            return acc;
        }, acc => { lock (sync) ss += acc; });
        double std = Math.Sqrt(ss / count);
        double divisor = std > minStd && double.IsFinite(std) ? std : 1.0;
        return new IntensityStats(mean, std, min, max, count, divisor);
    }
}
