using Spark3D.Data.Volumes;

namespace Spark3D.Data.Phantoms;

/// <summary>
/// The stored grid of one phantom: shape, spacing and a voxel→RAS affine made of an axis permutation and flips,
/// with the centre of the field of view at world (0,0,0).
/// </summary>
internal sealed record PhantomGrid(Shape3 Shape, Spacing3 Spacing, Affine Affine)
{
    public static PhantomGrid Draw(PhantomOptions o, Random rng)
    {
        double lo = Math.Log(o.MinSpacingMm), hi = Math.Log(o.MaxSpacingMm);
        var s = new double[3];
        for (int a = 0; a < 3; a++) s[a] = Math.Exp(lo + rng.NextDouble() * (hi - lo));
        EnforceVoxelCap(o, s);
        var n = s.Select(v => (int)Math.Ceiling(o.FieldOfViewMm / v)).ToArray();

        int[] perm = { 0, 1, 2 };
        int[] sign = { 1, 1, 1 };
        if (o.RandomOrientation)
        {
            rng.Shuffle(perm);
            for (int a = 0; a < 3; a++) sign[a] = rng.Next(2) == 0 ? 1 : -1;
        }
        var m = new double[16];
        for (int a = 0; a < 3; a++) m[perm[a] * 4 + a] = sign[a] * s[a];
        for (int r = 0; r < 3; r++)
        {
            double t = 0;
            for (int a = 0; a < 3; a++) t += m[r * 4 + a] * (n[a] - 1) / 2.0;
            m[r * 4 + 3] = -t;
        }
        m[15] = 1;
        return new PhantomGrid(new Shape3(n[0], n[1], n[2]), new Spacing3(s[0], s[1], s[2]), new Affine(m));
    }

    /// <summary>Coarsens the finer axes (never beyond the maximum spacing) until the grid fits the voxel cap.</summary>
    private static void EnforceVoxelCap(PhantomOptions o, double[] s)
    {
        for (int iter = 0; iter < 8; iter++)
        {
            double total = s.Aggregate(1.0, (p, v) => p * Math.Ceiling(o.FieldOfViewMm / v));
            if (total <= o.MaxVoxels) return;
            var free = Enumerable.Range(0, 3).Where(a => s[a] < o.MaxSpacingMm).ToArray();
            if (free.Length == 0) return;
            double f = Math.Pow(total / o.MaxVoxels, 1.0 / free.Length) * 1.01;
            foreach (int a in free) s[a] = Math.Min(o.MaxSpacingMm, s[a] * f);
        }
    }
}
