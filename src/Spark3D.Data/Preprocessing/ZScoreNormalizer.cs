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
        // One partial per slice, reduced in slice order: the result is bit-identical whatever the thread scheduling,
        // so a rebuilt cache file equals the first one byte for byte.
        int slices = v.Shape.Z;
        var counts = new long[slices];
        var sums = new double[slices];
        var mins = new double[slices];
        var maxs = new double[slices];
        Parallel.For(0, slices, z =>
        {
            long n = 0;
            double s = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            long end = (z + 1) * plane;
            for (long i = z * plane; i < end; i++)
            {
                float x = src[i];
                if (foregroundOnly && x == 0) continue;
                n++;
                s += x;
                if (x < lo) lo = x;
                if (x > hi) hi = x;
            }
            counts[z] = n; sums[z] = s; mins[z] = lo; maxs[z] = hi;
        });
        long count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int z = 0; z < slices; z++)
        {
            count += counts[z]; sum += sums[z];
            min = Math.Min(min, mins[z]); max = Math.Max(max, maxs[z]);
        }
        if (!double.IsFinite(sum))
            throw new NonFiniteVoxelsException(src.LongLength - src.Count(float.IsFinite), src.LongLength);
        if (count == 0) return new IntensityStats(0, 0, 0, 0, 0, 1);
        double mean = sum / count;
        // Second pass around the mean: numerically stable where sum-of-squares would cancel.
        var squares = new double[slices];
        Parallel.For(0, slices, z =>
        {
            double acc = 0;
            long end = (z + 1) * plane;
            for (long i = z * plane; i < end; i++)
            {
                float x = src[i];
                if (foregroundOnly && x == 0) continue;
                double d = x - mean;
                acc += d * d;
            }
            squares[z] = acc;
        });
        double ss = 0;
        for (int z = 0; z < slices; z++) ss += squares[z];
        double std = Math.Sqrt(ss / count);
        double divisor = std > minStd && double.IsFinite(std) ? std : 1.0;
        return new IntensityStats(mean, std, min, max, count, divisor);
    }
}
