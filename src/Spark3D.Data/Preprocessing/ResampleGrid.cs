using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// The output grid of a resampling (docs/resampling.md): shape n_out = round-half-even(n_in · s_in / s_out), at least 1
/// (and 1 when n_in = 1); samples at p = o · (n_in − 1)/(n_out − 1) in input index space, so first and last voxel
/// centres stay put and the real output spacing is (n_in − 1) · s_in/(n_out − 1).
/// </summary>
public static class ResampleGrid
{
    /// <summary>Output shape for a target spacing.</summary>
    public static Shape3 OutputShape(Shape3 shape, Spacing3 spacing, Spacing3 target)
    {
        if (!target.IsValid) throw new ArgumentException($"Target spacing {target} must be finite and positive.", nameof(target));
        if (!spacing.IsValid) throw new ArgumentException($"Volume spacing {spacing} must be finite and positive.", nameof(spacing));
        return new Shape3(Axis(shape.X, spacing.X, target.X), Axis(shape.Y, spacing.Y, target.Y), Axis(shape.Z, spacing.Z, target.Z));
    }

    private static int Axis(int n, double s, double t)
    {
        if (n == 1) return 1;
        double v = Math.Round(n * s / t, MidpointRounding.ToEven);
        if (v > int.MaxValue / 2) throw new ArgumentException($"Resampling {n} voxels at {s} mm to {t} mm gives too many voxels.");
        return Math.Max(1, (int)v);
    }

    /// <summary>
    /// Per-axis factor by which a voxel step grows: (n_in − 1)/(n_out − 1); n_out = 1 keeps the single sample at the
    /// first voxel and spans the whole input (factor n_in); n_in = 1 replicates the voxel and keeps the spacing (factor 1).
    /// </summary>
    public static double StepScale(int nIn, int nOut) =>
        nIn == 1 ? 1.0 : nOut == 1 ? nIn : (double)(nIn - 1) / (nOut - 1);

    /// <summary>Spacing of the output grid.</summary>
    public static Spacing3 OutputSpacing(Shape3 input, Spacing3 spacing, Shape3 output) =>
        new(spacing.X * StepScale(input.X, output.X), spacing.Y * StepScale(input.Y, output.Y), spacing.Z * StepScale(input.Z, output.Z));

    /// <summary>Affine of the output grid: columns scaled by the step factor, translation (first voxel centre) unchanged.</summary>
    public static Affine OutputAffine(Shape3 input, Affine affine, Shape3 output)
    {
        var m = affine.ToArray();
        for (int c = 0; c < 3; c++)
        {
            double f = StepScale(input[c], output[c]);
            for (int r = 0; r < 3; r++) m[r * 4 + c] *= f;
        }
        return new Affine(m);
    }
}
