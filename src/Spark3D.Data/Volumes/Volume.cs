namespace Spark3D.Data.Volumes;

/// <summary>
/// A 3-D scalar image: float32 voxels, the voxel size and the voxel-to-world affine. Every preprocessing step is a pure
/// function Volume → Volume.
/// <para>Axis convention (one for the whole code base, shared by <see cref="Sampling.Patch"/>, masks and tensors):
/// <see cref="Shape"/> is (X, Y, Z) in NIfTI index order (i, j, k), and voxels are stored X fastest,
/// index = x + X·(y + Y·z), exactly NIfTI's on-disk order. As a C-order array that is shape (Z, Y, X), so a torch tensor
/// of a volume or patch is (D, H, W) = (Z, Y, X) without any reordering.</para>
/// </summary>
public sealed class Volume
{
    public Volume(float[] voxels, Shape3 shape, Spacing3 spacing, Affine affine)
    {
        ArgumentNullException.ThrowIfNull(voxels);
        ArgumentNullException.ThrowIfNull(affine);
        if (shape.X <= 0 || shape.Y <= 0 || shape.Z <= 0)
            throw new ArgumentException($"Shape {shape} must be positive on every axis.", nameof(shape));
        if (voxels.LongLength != shape.Count)
            throw new ArgumentException($"{voxels.LongLength} voxels do not fill shape {shape}.", nameof(voxels));
        Voxels = voxels;
        Shape = shape;
        Spacing = spacing;
        Affine = affine;
    }

    /// <summary>Voxel values, X fastest. Owned by this volume; treat as read-only once shared.</summary>
    public float[] Voxels { get; }

    public Shape3 Shape { get; }

    public Spacing3 Spacing { get; }

    public Affine Affine { get; }

    public float this[int x, int y, int z] => Voxels[Shape.Index(x, y, z)];

    /// <summary>A volume on the same grid with other voxel values.</summary>
    public Volume WithVoxels(float[] voxels) => new(voxels, Shape, Spacing, Affine);

    /// <summary>Blank volume with a diagonal affine (tests, phantoms).</summary>
    public static Volume Zeros(Shape3 shape, Spacing3 spacing) =>
        new(new float[shape.Count], shape, spacing, Affine.FromSpacing(spacing));

    public override string ToString() => $"Volume {Shape} @ {Spacing}";
}
