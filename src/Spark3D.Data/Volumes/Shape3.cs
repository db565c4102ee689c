namespace Spark3D.Data.Volumes;

/// <summary>
/// Size of a 3-D grid in NIfTI index order (i, j, k) = (X, Y, Z).
/// Voxels are stored with X fastest: index = x + X·(y + Y·z), exactly NIfTI's on-disk order,
/// which is also a C-order tensor of shape (Z, Y, X).
/// </summary>
public readonly record struct Shape3(int X, int Y, int Z)
{
    /// <summary>Number of voxels.</summary>
    public long Count => (long)X * Y * Z;

    /// <summary>Linear index of voxel (x, y, z).</summary>
    public long Index(int x, int y, int z) => x + (long)X * (y + (long)Y * z);

    /// <summary>Size along axis 0 (X), 1 (Y) or 2 (Z).</summary>
    public int this[int axis] => axis switch
    {
        0 => X,
        1 => Y,
        2 => Z,
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    public override string ToString() => $"{X}×{Y}×{Z}";
}
