using Spark3D.Data.Volumes;

namespace Spark3D.Data.Evaluation;

/// <summary>Per-class overlap and surface metrics between a predicted and a reference label map on the same grid.</summary>
public static class SegmentationMetrics
{
    /// <summary>
    /// Dice = 2|P∩R| / (|P|+|R|). Both empty → NaN (undefined; nnU-Net reports such cases as NaN and excludes them from means).
    /// </summary>
    public static double Dice(Volume prediction, Volume reference, int label)
    {
        RequireSameGrid(prediction, reference);
        long inter = 0, p = 0, r = 0;
        var pv = prediction.Voxels;
        var rv = reference.Voxels;
        for (long i = 0; i < pv.LongLength; i++)
        {
            bool a = (int)MathF.Round(pv[i]) == label, b = (int)MathF.Round(rv[i]) == label;
            if (a) p++;
            if (b) r++;
            if (a && b) inter++;
        }
        return p + r == 0 ? double.NaN : 2.0 * inter / (p + r);
    }

    /// <summary>
    /// 95th percentile of the symmetric surface distance (mm): distances from each boundary voxel of one mask to the nearest
    /// boundary voxel of the other, both directions pooled. One mask empty → +∞; both empty → NaN.
    /// </summary>
    public static double HausdorffDistance95(Volume prediction, Volume reference, int label)
    {
        RequireSameGrid(prediction, reference);
        var shape = prediction.Shape;
        var pb = Boundary(Mask(prediction, label), shape);
        var rb = Boundary(Mask(reference, label), shape);
        bool pe = !pb.Contains(true), re = !rb.Contains(true);
        if (pe && re) return double.NaN;
        if (pe || re) return double.PositiveInfinity;
        var toR = EuclideanDistanceTransform.SquaredDistanceToSeeds(rb, shape, prediction.Spacing);
        var toP = EuclideanDistanceTransform.SquaredDistanceToSeeds(pb, shape, prediction.Spacing);
        var d = new List<double>();
        for (int i = 0; i < pb.Length; i++)
        {
            if (pb[i]) d.Add(Math.Sqrt(toR[i]));
            if (rb[i]) d.Add(Math.Sqrt(toP[i]));
        }
        d.Sort();
        // Linear interpolation between order statistics, as numpy.percentile's default.
        double pos = 0.95 * (d.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, d.Count - 1);
        return d[lo] + (pos - lo) * (d[hi] - d[lo]);
    }

    private static bool[] Mask(Volume v, int label)
    {
        var m = new bool[v.Voxels.Length];
        for (int i = 0; i < m.Length; i++) m[i] = (int)MathF.Round(v.Voxels[i]) == label;
        return m;
    }

    /// <summary>Foreground voxels with at least one 6-neighbour outside the mask (or on the volume border).</summary>
    private static bool[] Boundary(bool[] m, Shape3 s)
    {
        var b = new bool[m.Length];
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                {
                    long i = s.Index(x, y, z);
                    if (!m[i]) continue;
                    b[i] = x == 0 || y == 0 || z == 0 || x == s.X - 1 || y == s.Y - 1 || z == s.Z - 1
                        || !m[i - 1] || !m[i + 1] || !m[i - s.X] || !m[i + s.X] || !m[i - (long)s.X * s.Y] || !m[i + (long)s.X * s.Y];
                }
        return b;
    }

    private static void RequireSameGrid(Volume a, Volume b)
    {
        if (a.Shape != b.Shape) throw new ArgumentException($"Prediction {a.Shape} and reference {b.Shape} differ in shape.");
    }
}
