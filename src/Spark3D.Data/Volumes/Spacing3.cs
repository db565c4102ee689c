namespace Spark3D.Data.Volumes;

/// <summary>Voxel size in millimetres along X, Y, Z (NIfTI pixdim[1..3]).</summary>
public readonly record struct Spacing3(double X, double Y, double Z)
{
    public static readonly Spacing3 Isotropic1mm = new(1, 1, 1);

    public double this[int axis] => axis switch
    {
        0 => X,
        1 => Y,
        2 => Z,
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    /// <summary>True when every component is finite and strictly positive.</summary>
    public bool IsValid => IsOk(X) && IsOk(Y) && IsOk(Z);

    private static bool IsOk(double v) => double.IsFinite(v) && v > 0;

    public override string ToString() => $"{X:g4}×{Y:g4}×{Z:g4} mm";
}
