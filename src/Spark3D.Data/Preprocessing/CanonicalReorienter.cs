using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Reorients a volume to the closest canonical orientation (RAS+) by axis permutation and flips only, like nibabel's
/// <c>as_closest_canonical</c> (same axis choice as <c>io_orientation</c>). No interpolation: voxel values are moved,
/// never changed, and every voxel keeps its world coordinate.
/// </summary>
public static class CanonicalReorienter
{
    /// <summary>The volume in RAS+ voxel order.</summary>
    public static Volume ToRas(Volume v) => ToRasWithTransform(v).Volume;

    /// <summary>The volume in RAS+ voxel order and the transform that undoes it (<see cref="OrientationTransform.Invert"/>).</summary>
    public static (Volume Volume, OrientationTransform Transform) ToRasWithTransform(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var t = TransformFor(v.Affine, v.Shape);
        return (t.Apply(v), t);
    }

    /// <summary>The permutation/flip that brings a grid with <paramref name="affine"/> closest to RAS+.</summary>
    public static OrientationTransform TransformFor(Affine affine, Shape3 shape)
    {
        ArgumentNullException.ThrowIfNull(affine);
        var r = ClosestRotation(affine);
        // io_orientation: for each input axis in order, the world axis it moves along most; that world axis is
        // then removed from consideration (ties and obliques resolve the same way as nibabel).
        var worldOfInput = new int[3];
        var negative = new bool[3];
        for (int inAxis = 0; inAxis < 3; inAxis++)
        {
            int best = -1;
            double bestAbs = 0;
            for (int w = 0; w < 3; w++)
                if (Math.Abs(r[w, inAxis]) > bestAbs) { bestAbs = Math.Abs(r[w, inAxis]); best = w; }
            if (best < 0 || bestAbs < 1e-8)
                throw new ArgumentException($"Affine {affine} has no usable direction for voxel axis {inAxis}.", nameof(affine));
            worldOfInput[inAxis] = best;
            negative[inAxis] = r[best, inAxis] < 0;
            for (int c = 0; c < 3; c++) r[best, c] = 0;
        }
        var sourceAxis = new int[3];
        var flip = new bool[3];
        for (int inAxis = 0; inAxis < 3; inAxis++)
        {
            sourceAxis[worldOfInput[inAxis]] = inAxis;
            flip[worldOfInput[inAxis]] = negative[inAxis];
        }
        return new OrientationTransform(sourceAxis, flip, shape);
    }

    /// <summary>
    /// Orthogonal polar factor of the column-normalised 3×3 (what nibabel gets from the SVD as P·Qᵀ), by Newton's
    /// iteration R ← (R + R⁻ᵀ)/2, which converges quadratically for any non-singular matrix.
    /// </summary>
    private static double[,] ClosestRotation(Affine affine)
    {
        var r = new double[3, 3];
        for (int c = 0; c < 3; c++)
        {
            double norm = affine.ColumnNorm(c);
            if (norm == 0) norm = 1;
            for (int row = 0; row < 3; row++) r[row, c] = affine[row, c] / norm;
        }
        for (int iter = 0; iter < 100; iter++)
        {
            var invT = InverseTranspose(r);
            if (invT is null) return r; // singular: fall back to the normalised columns
            double change = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double next = 0.5 * (r[i, j] + invT[i, j]);
                    change = Math.Max(change, Math.Abs(next - r[i, j]));
                    r[i, j] = next;
                }
            if (change < 1e-15) break;
        }
        return r;
    }

    private static double[,]? InverseTranspose(double[,] m)
    {
        double a = m[0, 0], b = m[0, 1], c = m[0, 2], d = m[1, 0], e = m[1, 1], f = m[1, 2], g = m[2, 0], h = m[2, 1], i = m[2, 2];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (Math.Abs(det) < 1e-12 || !double.IsFinite(det)) return null;
        double k = 1 / det;
        // inverse[r, c] = cofactor[c, r] / det, so inverse-transpose[r, c] = cofactor[r, c] / det.
        return new[,]
        {
            { (e * i - f * h) * k, -(d * i - f * g) * k, (d * h - e * g) * k },
            { -(b * i - c * h) * k, (a * i - c * g) * k, -(a * h - b * g) * k },
            { (b * f - c * e) * k, -(a * f - c * d) * k, (a * e - b * d) * k },
        };
    }
}
