using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Resamples a volume onto a corner-aligned grid (see <see cref="ResampleGrid"/> and docs/resampling.md), matching
/// <c>scipy.ndimage.zoom(grid_mode=False)</c>: order 0 (nearest), 1 (trilinear, edges clamped) and 3 (cubic
/// B-spline, mode 'mirror'). Separable: for each output z slice (in parallel) the input slices are combined along z,
/// then rows along y, then gathered along x, using per-axis index/weight tables and per-thread scratch planes.
/// </summary>
public static class Resampler
{
    /// <summary>Resample to a target voxel size; the real output spacing follows the grid rule.</summary>
    public static Volume Resample(Volume v, Spacing3 target, Interpolation mode)
    {
        ArgumentNullException.ThrowIfNull(v);
        return Resample(v, ResampleGrid.OutputShape(v.Shape, v.Spacing, target), mode);
    }

    /// <summary>Resample to an explicit output shape (e.g. back to the shape before an earlier resampling).</summary>
    public static Volume Resample(Volume v, Shape3 outputShape, Interpolation mode)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (outputShape.X <= 0 || outputShape.Y <= 0 || outputShape.Z <= 0)
            throw new ArgumentException($"Output shape {outputShape} must be positive.", nameof(outputShape));
        var spacing = ResampleGrid.OutputSpacing(v.Shape, v.Spacing, outputShape);
        var affine = ResampleGrid.OutputAffine(v.Shape, v.Affine, outputShape);
        // Same shape means zoom 1 on every axis: samples sit on the voxel centres, where all three modes
        // (the B-spline interpolates its data) return the input values.
        if (outputShape == v.Shape) return new Volume((float[])v.Voxels.Clone(), v.Shape, spacing, affine);
        var output = VoxelArrays.Allocate(outputShape.Count);
        if (mode == Interpolation.Nearest) SampleNearest(v.Voxels, v.Shape, output, outputShape);
        else
        {
            var source = mode == Interpolation.CubicBSpline ? BSplinePrefilter.Coefficients(v.Voxels, v.Shape) : v.Voxels;
            SampleSeparable(source, v.Shape, output, outputShape, mode);
        }
        return new Volume(output, outputShape, spacing, affine);
    }

    /// <summary>
    /// Resamples the voxels of a view (no copy of the source), z-scoring each voxel as it is read when
    /// <paramref name="zscore"/> is given: bit-identical to z-scoring a cropped copy first and resampling that
    /// (<see cref="Resample(Volume, Shape3, Interpolation)"/>), without the intermediate volume. Writes the output voxels
    /// (X fastest, <paramref name="outputShape"/>) to the start of <paramref name="output"/>.
    /// </summary>
    internal static void Resample(VoxelView source, ZScoreMap? zscore, Shape3 outputShape, Interpolation mode, float[] output)
    {
        var si = source.Shape;
        if (output.LongLength < outputShape.Count) throw new ArgumentException("output buffer too small", nameof(output));
        if (outputShape == si || mode == Interpolation.CubicBSpline)
        {
            // Zoom 1: the (normalised) voxels themselves. Cubic needs a contiguous copy for its prefilter anyway.
            var copy = outputShape == si ? output : VoxelArrays.Allocate(si.Count);
            Parallel.For(0, si.Z, z =>
            {
                var scratch = source.NewScratch();
                for (int y = 0; y < si.Y; y++)
                {
                    var row = source.Row(y, z, scratch);
                    var dst = copy.AsSpan((int)si.Index(0, y, z), si.X);
                    if (zscore is { } m) VoxelKernels.ZScoreRow(row, dst, m.Mean, m.Inv, m.ForegroundOnly);
                    else row.CopyTo(dst);
                }
            });
            if (outputShape == si) return;
            SampleSeparable(VoxelView.Of(BSplinePrefilter.Coefficients(copy, si), si), null, output, outputShape, mode);
            return;
        }
        if (mode == Interpolation.Nearest) SampleNearest(source, zscore, output, outputShape);
        else SampleSeparable(source, zscore, output, outputShape, mode);
    }

    private static void SampleNearest(float[] input, Shape3 si, float[] output, Shape3 so) =>
        SampleNearest(VoxelView.Of(input, si), null, output, so);

    private static void SampleNearest(VoxelView input, ZScoreMap? zscore, float[] output, Shape3 so)
    {
        var si = input.Shape;
        var ax = AxisSampling.Create(si.X, so.X, Interpolation.Nearest).Index;
        var ay = AxisSampling.Create(si.Y, so.Y, Interpolation.Nearest).Index;
        var az = AxisSampling.Create(si.Z, so.Z, Interpolation.Nearest).Index;
        Parallel.For(0, so.Z, oz =>
        {
            var scratch = input.NewScratch();
            for (int oy = 0; oy < so.Y; oy++)
            {
                var row = input.Row(ay[oy], az[oz], scratch);
                var dst = output.AsSpan((int)so.Index(0, oy, oz), so.X);
                if (zscore is { } m)
                    for (int ox = 0; ox < dst.Length; ox++) dst[ox] = VoxelKernels.ZScore(row[ax[ox]], m.Mean, m.Inv, m.ForegroundOnly);
                else
                    for (int ox = 0; ox < dst.Length; ox++) dst[ox] = row[ax[ox]];
            }
        });
    }

    private static void SampleSeparable(float[] input, Shape3 si, float[] output, Shape3 so, Interpolation mode) =>
        SampleSeparable(VoxelView.Of(input, si), null, output, so, mode);

    private static void SampleSeparable(VoxelView input, ZScoreMap? zscore, float[] output, Shape3 so, Interpolation mode)
    {
        var si = input.Shape;
        var tx = AxisSampling.Create(si.X, so.X, mode);
        var ty = AxisSampling.Create(si.Y, so.Y, mode);
        var tz = AxisSampling.Create(si.Z, so.Z, mode);
        int k = tx.Taps;
        long inPlane = (long)si.X * si.Y;
        Parallel.For(0, so.Z,
            () => (Plane: new float[inPlane], Rows: new float[(long)si.X * so.Y], Offsets: new long[k], Scratch: input.NewScratch()),
            (oz, _, scratch) =>
            {
                // 1. Combine the K input slices around this output z into one input-sized plane, row by row
                //    (z-scoring each source voxel on the way when asked; the same float operations either way).
                var wz = tz.Weight.AsSpan(oz * k, k);
                for (int y = 0; y < si.Y; y++)
                {
                    var dst = scratch.Plane.AsSpan(y * si.X, si.X);
                    for (int t = 0; t < k; t++)
                    {
                        if (t > 0 && wz[t] == 0) continue;
                        var row = input.Row(y, tz.Index[oz * k + t], scratch.Scratch);
                        if (zscore is { } m) VoxelKernels.ZScoreScaled(row, dst, wz[t], t > 0, m.Mean, m.Inv, m.ForegroundOnly);
                        else if (t == 0) RowMath.SetScaled(dst, row, wz[t]);
                        else RowMath.AddScaled(dst, row, wz[t]);
                    }
                }
                // 2. Combine rows along y: one input-width row per output y.
                for (int oy = 0; oy < so.Y; oy++)
                {
                    for (int t = 0; t < k; t++) scratch.Offsets[t] = (long)ty.Index[oy * k + t] * si.X;
                    RowMath.WeightedSum(scratch.Rows.AsSpan(oy * si.X, si.X), scratch.Plane, scratch.Offsets, ty.Weight.AsSpan(oy * k, k));
                }
                // 3. Gather along x.
                var ix = tx.Index;
                var wx = tx.Weight;
                for (int oy = 0; oy < so.Y; oy++)
                {
                    var row = scratch.Rows.AsSpan(oy * si.X, si.X);
                    var dst = output.AsSpan((int)so.Index(0, oy, oz), so.X);
                    if (k == 2)
                        for (int ox = 0, b = 0; ox < dst.Length; ox++, b += 2)
                            dst[ox] = wx[b] * row[ix[b]] + wx[b + 1] * row[ix[b + 1]];
                    else
                        for (int ox = 0, b = 0; ox < dst.Length; ox++, b += 4)
                            dst[ox] = wx[b] * row[ix[b]] + wx[b + 1] * row[ix[b + 1]] + wx[b + 2] * row[ix[b + 2]] + wx[b + 3] * row[ix[b + 3]];
                }
                return scratch;
            },
            _ => { });
    }
}

/// <summary>The z-score applied to voxels as they are read: x → (float)((x − Mean) · Inv), zeros kept at 0 when
/// <paramref name="ForegroundOnly"/> (<see cref="VoxelKernels.ZScore(float, double, double, bool)"/>).</summary>
internal readonly record struct ZScoreMap(double Mean, double Inv, bool ForegroundOnly)
{
    public static ZScoreMap From(IntensityStats stats, bool foregroundOnly) => new(stats.Mean, 1 / stats.Divisor, foregroundOnly);
}
