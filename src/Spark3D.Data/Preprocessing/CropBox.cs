using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// A box inside a volume: voxel <paramref name="Offset"/> (X, Y, Z) of its first corner, its <paramref name="Size"/>,
/// and the <paramref name="OriginalShape"/> it was cut from. <see cref="Apply"/> cuts it out (affine shifted so world
/// coordinates stay right); <see cref="Uncrop"/> pastes a cropped volume back into a zero volume of the original shape.
/// </summary>
public sealed record CropBox(Shape3 Offset, Shape3 Size, Shape3 OriginalShape)
{
    /// <summary>The box covering a whole volume (what an all-zero volume gets).</summary>
    public static CropBox Full(Shape3 shape) => new(new Shape3(0, 0, 0), shape, shape);

    /// <summary>True when the box is the whole volume.</summary>
    public bool IsFull => Offset == new Shape3(0, 0, 0) && Size == OriginalShape;

    /// <summary>Cuts this box out of <paramref name="v"/> (which must have <see cref="OriginalShape"/>).</summary>
    public Volume Apply(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Shape != OriginalShape) throw new ArgumentException($"Crop box is for shape {OriginalShape}, got {v.Shape}.", nameof(v));
        var dst = new float[Size.Count];
        Copy(v.Voxels, OriginalShape, Offset, dst, Size, new Shape3(0, 0, 0), Size);
        return new Volume(dst, Size, v.Spacing, Shift(v.Affine, Offset.X, Offset.Y, Offset.Z));
    }

    /// <summary>The full-size volume with <paramref name="cropped"/> pasted at the offset, zero outside.</summary>
    public Volume Uncrop(Volume cropped)
    {
        ArgumentNullException.ThrowIfNull(cropped);
        if (cropped.Shape != Size) throw new ArgumentException($"Crop box holds shape {Size}, got {cropped.Shape}.", nameof(cropped));
        var dst = new float[OriginalShape.Count];
        Copy(cropped.Voxels, Size, new Shape3(0, 0, 0), dst, OriginalShape, Offset, Size);
        return new Volume(dst, OriginalShape, cropped.Spacing, Shift(cropped.Affine, -Offset.X, -Offset.Y, -Offset.Z));
    }

    /// <summary>The affine of the cropped grid: voxel 0 is the box's first corner.</summary>
    internal Affine CroppedAffine(Affine a) => Shift(a, Offset.X, Offset.Y, Offset.Z);

    /// <summary>Affine whose voxel 0 is the old voxel (dx, dy, dz).</summary>
    private static Affine Shift(Affine a, int dx, int dy, int dz)
    {
        var m = a.ToArray();
        for (int r = 0; r < 3; r++) m[r * 4 + 3] += a[r, 0] * dx + a[r, 1] * dy + a[r, 2] * dz;
        return new Affine(m);
    }

    private static void Copy(float[] src, Shape3 srcShape, Shape3 srcAt, float[] dst, Shape3 dstShape, Shape3 dstAt, Shape3 size)
    {
        Parallel.For(0, size.Z, z =>
        {
            for (int y = 0; y < size.Y; y++)
                Array.Copy(src, srcShape.Index(srcAt.X, srcAt.Y + y, srcAt.Z + z), dst, dstShape.Index(dstAt.X, dstAt.Y + y, dstAt.Z + z), size.X);
        });
    }
}
