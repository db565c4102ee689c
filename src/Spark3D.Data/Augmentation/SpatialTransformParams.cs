namespace Spark3D.Data.Augmentation;

/// <summary>One drawn spatial augmentation: mirror flags per axis, rotation angles (radians) about x, y, z and an isotropic
/// scale (coordinate multiplier). <see cref="Identity"/> leaves a patch unchanged.</summary>
public sealed record SpatialTransformParams(bool MirrorX, bool MirrorY, bool MirrorZ, double RotateX, double RotateY, double RotateZ, double Scale)
{
    /// <summary>No transform.</summary>
    public static SpatialTransformParams Identity { get; } = new(false, false, false, 0, 0, 0, 1);

    /// <summary>True when rotation or scale is active, so the patch must be resampled (not just cropped and flipped).</summary>
    public bool NeedsResampling => RotateX != 0 || RotateY != 0 || RotateZ != 0 || Scale != 1;

    /// <summary>The 3×3 row-major matrix mapping a patch offset (x, y, z) from the patch centre to a source offset:
    /// Scale · Rz · Ry · Rx.</summary>
    public double[] SourceMatrix()
    {
        double cx = Math.Cos(RotateX), sx = Math.Sin(RotateX);
        double cy = Math.Cos(RotateY), sy = Math.Sin(RotateY);
        double cz = Math.Cos(RotateZ), sz = Math.Sin(RotateZ);
        double[] rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
        double[] ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
        double[] rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
        var m = Multiply(rz, Multiply(ry, rx));
        for (int i = 0; i < 9; i++) m[i] *= Scale;
        return m;
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        return r;
    }
}
