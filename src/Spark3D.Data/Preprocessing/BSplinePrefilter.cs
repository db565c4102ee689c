using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Cubic B-spline coefficients of a volume: the recursive causal/anti-causal filter (pole z = √3 − 2, gain 6) along
/// each axis with scipy's exact 'mirror' boundary initialisation (<c>scipy.ndimage.spline_filter(order=3, mode='mirror')</c>).
/// X lines are filtered one by one in double; Y and Z run the same recursion on whole rows at once (vectorised,
/// cache-friendly). Parallel over slices.
/// </summary>
internal static class BSplinePrefilter
{
    private static readonly double Pole = Math.Sqrt(3) - 2;
    private static readonly double Gain = (1 - Pole) * (1 - 1 / Pole);

    /// <summary>Terms beyond z^Horizon (&lt; 1e-13) do not change a float; scipy sums them all.</summary>
    private const int Horizon = 23;

    public static float[] Coefficients(float[] voxels, Shape3 s)
    {
        var c = (float[])voxels.Clone();
        int nx = s.X, ny = s.Y, nz = s.Z;
        long plane = (long)nx * ny;
        // The filter is linear, so the per-axis gains (6 each) are applied once, in the first filtered pass.
        int filtered = (nx > 1 ? 1 : 0) + (ny > 1 ? 1 : 0) + (nz > 1 ? 1 : 0);
        double gain = Math.Pow(Gain, filtered);
        if (nx > 1)
        {
            double g = gain;
            gain = 1;
            Parallel.For(0, nz, () => new double[nx], (z, _, line) =>
            {
                for (int y = 0; y < ny; y++)
                {
                    int b = (int)s.Index(0, y, z);
                    for (int x = 0; x < nx; x++) line[x] = c[b + x];
                    FilterLine(line, g);
                    for (int x = 0; x < nx; x++) c[b + x] = (float)line[x];
                }
                return line;
            }, _ => { });
        }
        if (ny > 1)
        {
            double g = gain;
            gain = 1;
            Parallel.For(0, nz, z => FilterRows(c, z * plane, nx, ny, nx, g));
        }
        if (nz > 1)
            Parallel.For(0, ny, y => FilterRows(c, (long)y * nx, plane, nz, nx, gain));
        return c;
    }

    /// <summary>One line in double precision: scipy's <c>apply_filter</c> with mirror initialisation (gain passed in).</summary>
    private static void FilterLine(double[] c, double gain)
    {
        int n = c.Length;
        double z = Pole;
        for (int i = 0; i < n; i++) c[i] *= gain;
        double zn1 = Math.Pow(z, n - 1);
        double c0 = c[0] + zn1 * c[n - 1];
        double zi = z;
        int last = Math.Min(n - 2, Horizon);
        for (int i = 1; i <= last; i++, zi *= z) c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
        c[0] = c0 / (1 - zn1 * zn1);
        for (int i = 1; i < n; i++) c[i] += z * c[i - 1];
        c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
        for (int i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
    }

    /// <summary>
    /// The same recursion on <paramref name="n"/> rows of <paramref name="len"/> floats, row k at
    /// offset + k·stride: every element of a row is an independent line along the filtered axis.
    /// </summary>
    private static void FilterRows(float[] c, long offset, long stride, int n, int len, double gain)
    {
        float z = (float)Pole;
        Span<float> Row(int k) => c.AsSpan((int)(offset + k * stride), len);
        if (gain != 1)
            for (int k = 0; k < n; k++) RowMath.SetScaled(Row(k), Row(k), (float)gain);
        double zn1 = Math.Pow(Pole, n - 1);
        var first = Row(0);
        RowMath.AddScaled(first, Row(n - 1), (float)zn1);
        double zi = Pole;
        int last = Math.Min(n - 2, Horizon);
        for (int i = 1; i <= last; i++, zi *= Pole)
        {
            RowMath.AddScaled(first, Row(i), (float)zi);
            if (Math.Abs(zn1 * zi) > 1e-13) RowMath.AddScaled(first, Row(n - 1 - i), (float)(zi * zn1));
        }
        RowMath.SetScaled(first, first, (float)(1 / (1 - zn1 * zn1)));
        for (int k = 1; k < n; k++) RowMath.AddScaled(Row(k), Row(k - 1), z);
        // c[n−1] = (z·c[n−2] + c[n−1]) · z/(z² − 1)
        var lastRow = Row(n - 1);
        RowMath.AddScaled(lastRow, Row(n - 2), z);
        RowMath.SetScaled(lastRow, lastRow, (float)(Pole / (Pole * Pole - 1)));
        for (int k = n - 2; k >= 0; k--) RowMath.AntiCausalStep(Row(k), Row(k + 1), z);
    }
}
