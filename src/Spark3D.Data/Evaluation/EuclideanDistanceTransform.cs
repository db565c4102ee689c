using Spark3D.Data.Volumes;

namespace Spark3D.Data.Evaluation;

/// <summary>
/// Exact squared Euclidean distance transform (Felzenszwalb &amp; Huttenlocher, separable lower envelope of parabolas),
/// in millimetres², honouring anisotropic spacing. Distance of every voxel to the nearest "seed" voxel.
/// </summary>
public static class EuclideanDistanceTransform
{
    /// <summary>Squared distance (mm²) from each voxel to the nearest voxel where <paramref name="seeds"/> is true; +∞ when there is none.</summary>
    public static double[] SquaredDistanceToSeeds(ReadOnlySpan<bool> seeds, Shape3 shape, Spacing3 spacing)
    {
        var d = new double[shape.Count];
        for (long i = 0; i < d.LongLength; i++) d[i] = seeds[(int)i] ? 0 : double.PositiveInfinity;
        int maxLen = Math.Max(shape.X, Math.Max(shape.Y, shape.Z));
        // One pass per axis; lines along an axis are independent, so run them in parallel.
        for (int axis = 0; axis < 3; axis++)
        {
            int len = shape[axis];
            long stride = axis == 0 ? 1 : axis == 1 ? shape.X : (long)shape.X * shape.Y;
            double w2 = spacing[axis] * spacing[axis];
            var starts = LineStarts(shape, axis);
            Parallel.For(0, starts.Length, () => new Scratch(maxLen), (li, _, s) =>
            {
                long start = starts[li];
                for (int k = 0; k < len; k++) s.F[k] = d[start + k * stride];
                Transform1D(s, len, w2);
                for (int k = 0; k < len; k++) d[start + k * stride] = s.Out[k];
                return s;
            }, _ => { });
        }
        return d;
    }

    private static long[] LineStarts(Shape3 s, int axis)
    {
        var list = new List<long>();
        for (int z = 0; z < (axis == 2 ? 1 : s.Z); z++)
            for (int y = 0; y < (axis == 1 ? 1 : s.Y); y++)
                for (int x = 0; x < (axis == 0 ? 1 : s.X); x++)
                    list.Add(s.Index(x, y, z));
        return list.ToArray();
    }

    private sealed class Scratch(int n)
    {
        public readonly double[] F = new double[n];
        public readonly double[] Out = new double[n];
        public readonly int[] V = new int[n];
        public readonly double[] Z = new double[n + 1];
    }

    /// <summary>1-D lower envelope: out[q] = min_p (f[p] + w²·(q−p)²); points with f = +∞ never enter the envelope.</summary>
    private static void Transform1D(Scratch s, int n, double w2)
    {
        double[] f = s.F, z = s.Z, o = s.Out;
        int[] v = s.V;
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity;
                continue;
            }
            double sct = Intersection(f, v[k], q, w2);
            while (sct <= z[k]) // z[0] = −∞ stops this at k = 0
            {
                k--;
                sct = Intersection(f, v[k], q, w2);
            }
            k++; v[k] = q; z[k] = sct; z[k + 1] = double.PositiveInfinity;
        }
        if (k < 0)
        {
            Array.Fill(o, double.PositiveInfinity, 0, n);
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++)
        {
            while (z[j + 1] < q) j++;
            double dq = q - v[j];
            o[q] = w2 * dq * dq + f[v[j]];
        }
    }

    private static double Intersection(double[] f, int p, int q, double w2) =>
        ((f[q] + w2 * q * q) - (f[p] + w2 * p * p)) / (2 * w2 * (q - p));
}
