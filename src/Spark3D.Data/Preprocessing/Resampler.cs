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
        var output = new float[outputShape.Count];
        if (mode == Interpolation.Nearest) SampleNearest(v.Voxels, v.Shape, output, outputShape);
        else
        {
            var source = mode == Interpolation.CubicBSpline ? BSplinePrefilter.Coefficients(v.Voxels, v.Shape) : v.Voxels;
            SampleSeparable(source, v.Shape, output, outputShape, mode);
        }
        return new Volume(output, outputShape, spacing, affine);
    }

    private static void SampleNearest(float[] input, Shape3 si, float[] output, Shape3 so)
    {
        var ax = AxisSampling.Create(si.X, so.X, Interpolation.Nearest).Index;
        var ay = AxisSampling.Create(si.Y, so.Y, Interpolation.Nearest).Index;
        var az = AxisSampling.Create(si.Z, so.Z, Interpolation.Nearest).Index;
        Parallel.For(0, so.Z, oz =>
        {
            for (int oy = 0; oy < so.Y; oy++)
            {
                long src = si.Index(0, ay[oy], az[oz]);
                long dst = so.Index(0, oy, oz);
                for (int ox = 0; ox < so.X; ox++) output[dst + ox] = input[src + ax[ox]];
            }
        });
    }

    private static void SampleSeparable(float[] input, Shape3 si, float[] output, Shape3 so, Interpolation mode)
    {
        var tx = AxisSampling.Create(si.X, so.X, mode);
        var ty = AxisSampling.Create(si.Y, so.Y, mode);
        var tz = AxisSampling.Create(si.Z, so.Z, mode);
        int k = tx.Taps;
        long inPlane = (long)si.X * si.Y;
        Parallel.For(0, so.Z,
            () => (Plane: new float[inPlane], Rows: new float[(long)si.X * so.Y], Offsets: new long[k]),
            (oz, _, scratch) =>
            {
                // 1. Combine the K input slices around this output z into one input-sized plane.
                for (int t = 0; t < k; t++) scratch.Offsets[t] = tz.Index[oz * k + t] * inPlane;
                RowMath.WeightedSum(scratch.Plane, input, scratch.Offsets, tz.Weight.AsSpan(oz * k, k));
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
