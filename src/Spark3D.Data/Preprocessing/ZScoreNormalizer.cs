using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Per-volume z-score: (x − mean)/std over the foreground (nonzero voxels, the default) or over all voxels.
/// Never produces NaN/Inf from the statistics: if std ≤ <see cref="ZScoreOptions.MinStd"/> (constant volume) the
/// volume is only centred (divided by 1); if there is no foreground the volume is returned unchanged.
/// Statistics are accumulated in double, in parallel over slices, vectorised along rows (<see cref="VoxelKernels"/>),
/// and reduced in slice order. NaN/Inf voxels: <see cref="NonFiniteVoxelsException"/>.
/// </summary>
public static class ZScoreNormalizer
{
    public static (Volume Volume, IntensityStats Stats) Normalize(Volume v, ZScoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(v);
        options ??= ZScoreOptions.Default;
        bool foregroundOnly = options.Mode == ZScoreMode.Nonzero;
        var view = VoxelView.Of(v.Voxels, v.Shape);
        var stats = Measure(view, foregroundOnly, options.MinStd);
        var dst = VoxelArrays.Allocate(v.Voxels.Length);
        NormalizeInto(view, stats, foregroundOnly, dst);
        return (v.WithVoxels(dst), stats);
    }

    /// <summary>The statistics alone (mean, std, min, max, count over the chosen voxels).</summary>
    public static IntensityStats Measure(Volume v, bool foregroundOnly, double minStd = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(v);
        return Measure(VoxelView.Of(v.Voxels, v.Shape), foregroundOnly, minStd);
    }

    /// <summary>
    /// Statistics of the voxels of a view. One partial per slice (rows in order), reduced in slice order: the result is
    /// bit-identical whatever the thread scheduling, and whether the voxels are a contiguous volume or a view of a larger one.
    /// </summary>
    internal static IntensityStats Measure(VoxelView view, bool foregroundOnly, double minStd)
    {
        var s = view.Shape;
        int slices = s.Z;
        var partials = new (long Count, double Sum, double Min, double Max)[slices];
        Parallel.For(0, slices, z =>
        {
            var acc = new VoxelKernels.Sums();
            var scratch = view.NewScratch();
            for (int y = 0; y < s.Y; y++) acc.AddRow(view.Row(y, z, scratch), foregroundOnly);
            partials[z] = acc.Result();
        });
        long count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var p in partials)
        {
            count += p.Count; sum += p.Sum;
            min = Math.Min(min, p.Min); max = Math.Max(max, p.Max);
        }
        if (!double.IsFinite(sum)) throw new NonFiniteVoxelsException(CountNonFinite(view), s.Count);
        if (count == 0) return new IntensityStats(0, 0, 0, 0, 0, 1);
        double mean = sum / count;
        // Second pass around the mean: numerically stable where sum-of-squares would cancel.
        var squares = new double[slices];
        Parallel.For(0, slices, z =>
        {
            var acc = new VoxelKernels.Squares();
            var scratch = view.NewScratch();
            for (int y = 0; y < s.Y; y++) acc.AddRow(view.Row(y, z, scratch), mean, foregroundOnly);
            squares[z] = acc.Result();
        });
        double ss = 0;
        foreach (double q in squares) ss += q;
        double std = Math.Sqrt(ss / count);
        double divisor = std > minStd && double.IsFinite(std) ? std : 1.0;
        return new IntensityStats(mean, std, min, max, count, divisor);
    }

    /// <summary>Writes the z-score of every voxel of <paramref name="view"/> into <paramref name="dst"/> (contiguous, X fastest).</summary>
    internal static void NormalizeInto(VoxelView view, IntensityStats stats, bool foregroundOnly, float[] dst)
    {
        var s = view.Shape;
        double mean = stats.Mean, inv = 1 / stats.Divisor;
        Parallel.For(0, s.Z, z =>
        {
            var scratch = view.NewScratch();
            for (int y = 0; y < s.Y; y++)
                VoxelKernels.ZScoreRow(view.Row(y, z, scratch), dst.AsSpan((int)s.Index(0, y, z), s.X), mean, inv, foregroundOnly);
        });
    }

    private static long CountNonFinite(VoxelView view)
    {
        long n = 0;
        var scratch = view.NewScratch();
        for (int z = 0; z < view.Shape.Z; z++)
            for (int y = 0; y < view.Shape.Y; y++)
                foreach (float x in view.Row(y, z, scratch))
                    if (!float.IsFinite(x)) n++;
        return n;
    }
}
