namespace Spark3D.Data.Volumes;

/// <summary>
/// A 4×4 voxel-to-world (RAS+, millimetres) matrix, row-major, last row (0,0,0,1).
/// world = A · (i, j, k, 1)ᵀ, as in NIfTI's sform/qform and nibabel's <c>img.affine</c>.
/// </summary>
public sealed class Affine : IEquatable<Affine>
{
    private readonly double[] _m;

    public Affine(double[] rowMajor16)
    {
        ArgumentNullException.ThrowIfNull(rowMajor16);
        if (rowMajor16.Length != 16) throw new ArgumentException("An affine needs 16 values.", nameof(rowMajor16));
        _m = (double[])rowMajor16.Clone();
    }

    public static Affine Identity => new(new double[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 });

    /// <summary>Diagonal affine with the given spacing and a zero origin.</summary>
    public static Affine FromSpacing(Spacing3 s) =>
        new(new double[] { s.X, 0, 0, 0, 0, s.Y, 0, 0, 0, 0, s.Z, 0, 0, 0, 0, 1 });

    public double this[int row, int col] => _m[row * 4 + col];

    /// <summary>A copy of the 16 values, row-major.</summary>
    public double[] ToArray() => (double[])_m.Clone();

    /// <summary>The 4×4 as nested rows (for JSON).</summary>
    public double[][] ToRows() => Enumerable.Range(0, 4).Select(r => _m.AsSpan(r * 4, 4).ToArray()).ToArray();

    public Affine Multiply(Affine other)
    {
        var r = new double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double s = 0;
                for (int k = 0; k < 4; k++) s += _m[i * 4 + k] * other._m[k * 4 + j];
                r[i * 4 + j] = s;
            }
        return new Affine(r);
    }

    /// <summary>World coordinate of a (possibly fractional) voxel index.</summary>
    public (double X, double Y, double Z) Apply(double i, double j, double k) =>
        (_m[0] * i + _m[1] * j + _m[2] * k + _m[3],
         _m[4] * i + _m[5] * j + _m[6] * k + _m[7],
         _m[8] * i + _m[9] * j + _m[10] * k + _m[11]);

    /// <summary>Length of column <paramref name="axis"/> of the 3×3 part: the voxel size the affine implies.</summary>
    public double ColumnNorm(int axis) =>
        Math.Sqrt(_m[axis] * _m[axis] + _m[4 + axis] * _m[4 + axis] + _m[8 + axis] * _m[8 + axis]);

    /// <summary>Inverse of a general affine (3×3 inverse + translation).</summary>
    public Affine Inverse()
    {
        double a = _m[0], b = _m[1], c = _m[2], d = _m[4], e = _m[5], f = _m[6], g = _m[8], h = _m[9], i = _m[10];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (det == 0 || !double.IsFinite(det)) throw new InvalidOperationException("Affine is singular.");
        double inv = 1 / det;
        var r = new double[16];
        r[0] = (e * i - f * h) * inv; r[1] = (c * h - b * i) * inv; r[2] = (b * f - c * e) * inv;
        r[4] = (f * g - d * i) * inv; r[5] = (a * i - c * g) * inv; r[6] = (c * d - a * f) * inv;
        r[8] = (d * h - e * g) * inv; r[9] = (b * g - a * h) * inv; r[10] = (a * e - b * d) * inv;
        for (int row = 0; row < 3; row++)
            r[row * 4 + 3] = -(r[row * 4] * _m[3] + r[row * 4 + 1] * _m[7] + r[row * 4 + 2] * _m[11]);
        r[15] = 1;
        return new Affine(r);
    }

    public bool ApproximatelyEquals(Affine other, double tolerance = 1e-6)
    {
        for (int i = 0; i < 16; i++)
            if (Math.Abs(_m[i] - other._m[i]) > tolerance) return false;
        return true;
    }

    public bool Equals(Affine? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);
    public override bool Equals(object? obj) => Equals(obj as Affine);
    public override int GetHashCode() => HashCode.Combine(_m[0], _m[5], _m[10], _m[3], _m[7], _m[11]);
    public override string ToString() =>
        string.Join("; ", Enumerable.Range(0, 3).Select(r => string.Join(' ', _m.AsSpan(r * 4, 4).ToArray().Select(v => v.ToString("g6")))));
}
