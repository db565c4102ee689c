using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>The NIfTI qform quaternion: rotation from (b, c, d) and back (nifti1_io's quatern_to_mat44 / mat44_to_quatern).</summary>
public static class NiftiQuaternion
{
    /// <summary>Rotation matrix of the unit quaternion (a, b, c, d) with a = sqrt(1 - b² - c² - d²), clamped at 0 and renormalised.</summary>
    public static double[,] ToRotation(double b, double c, double d)
    {
        double a = 1.0 - (b * b + c * c + d * d);
        if (a < 1e-7 || !double.IsFinite(a))
        {
            // Not a unit quaternion: treat as a 180° rotation (a = 0) and renormalise, as nifti1_io does.
            double n = Math.Sqrt(b * b + c * c + d * d);
            if (n > 0 && double.IsFinite(n)) { b /= n; c /= n; d /= n; }
            else { b = 0; c = 0; d = 0; }
            a = n > 0 && double.IsFinite(n) ? 0 : 1;
        }
        else
        {
            a = Math.Sqrt(a);
        }
        return new[,]
        {
            { a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c) },
            { 2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b) },
            { 2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b },
        };
    }

    /// <summary>
    /// Decomposes an affine into voxel sizes (column norms), qfac (−1 when the 3×3 part flips handedness),
    /// the quaternion (b, c, d) of the nearest proper rotation, and the offset.
    /// </summary>
    public static (double[] Pixdim3, double Qfac, double[] Bcd, double[] Offset) FromAffine(Affine affine)
    {
        var m = new double[3, 3];
        var pix = new double[3];
        for (int col = 0; col < 3; col++)
        {
            double n = affine.ColumnNorm(col);
            pix[col] = n > 0 && double.IsFinite(n) ? n : 1;
            for (int row = 0; row < 3; row++) m[row, col] = n > 0 && double.IsFinite(n) ? affine[row, col] / n : (row == col ? 1 : 0);
        }
        double qfac = 1;
        if (Det(m) < 0)
        {
            qfac = -1;
            for (int row = 0; row < 3; row++) m[row, 2] = -m[row, 2];
        }
        var r = NearestRotation(m);
        return (pix, qfac, ToQuaternion(r), [affine[0, 3], affine[1, 3], affine[2, 3]]);
    }

    /// <summary>Orthogonal polar factor by Newton iteration R ← (R + R⁻ᵀ)/2; falls back to identity if singular.</summary>
    private static double[,] NearestRotation(double[,] m)
    {
        var r = (double[,])m.Clone();
        for (int iter = 0; iter < 100; iter++)
        {
            double det = Det(r);
            if (Math.Abs(det) < 1e-12 || !double.IsFinite(det)) return new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
            var invT = InverseTranspose(r, det);
            double change = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double v = 0.5 * (r[i, j] + invT[i, j]);
                    change = Math.Max(change, Math.Abs(v - r[i, j]));
                    r[i, j] = v;
                }
            if (change < 1e-15) break;
        }
        return r;
    }

    /// <summary>Quaternion (b, c, d) with a ≥ 0 of a proper rotation (Shepperd's method, as nifti_mat44_to_quatern).</summary>
    private static double[] ToQuaternion(double[,] r)
    {
        double a = r[0, 0] + r[1, 1] + r[2, 2] + 1, b, c, d;
        if (a > 0.5)
        {
            a = 0.5 * Math.Sqrt(a);
            b = 0.25 * (r[2, 1] - r[1, 2]) / a;
            c = 0.25 * (r[0, 2] - r[2, 0]) / a;
            d = 0.25 * (r[1, 0] - r[0, 1]) / a;
        }
        else
        {
            double xd = 1 + r[0, 0] - (r[1, 1] + r[2, 2]);
            double yd = 1 + r[1, 1] - (r[0, 0] + r[2, 2]);
            double zd = 1 + r[2, 2] - (r[0, 0] + r[1, 1]);
            if (xd > 1)
            {
                b = 0.5 * Math.Sqrt(xd);
                c = 0.25 * (r[0, 1] + r[1, 0]) / b;
                d = 0.25 * (r[0, 2] + r[2, 0]) / b;
                a = 0.25 * (r[2, 1] - r[1, 2]) / b;
            }
            else if (yd > 1)
            {
                c = 0.5 * Math.Sqrt(yd);
                b = 0.25 * (r[0, 1] + r[1, 0]) / c;
                d = 0.25 * (r[1, 2] + r[2, 1]) / c;
                a = 0.25 * (r[0, 2] - r[2, 0]) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                b = 0.25 * (r[0, 2] + r[2, 0]) / d;
                c = 0.25 * (r[1, 2] + r[2, 1]) / d;
                a = 0.25 * (r[1, 0] - r[0, 1]) / d;
            }
            if (a < 0) { b = -b; c = -c; d = -d; }
        }
        return [b, c, d];
    }

    private static double Det(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
        - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
        + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);

    private static double[,] InverseTranspose(double[,] m, double det)
    {
        // (M⁻¹)ᵀ = cofactor(M) / det.
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
                c[i, j] = (m[i1, j1] * m[i2, j2] - m[i1, j2] * m[i2, j1]) / det;
            }
        return c;
    }
}
