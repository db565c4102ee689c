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

    /// <summary>The smallest box holding all of <paramref name="boxes"/> (all cut from one shape).</summary>
    public static CropBox Union(IReadOnlyList<CropBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count == 0) throw new ArgumentException("No boxes to unite.", nameof(boxes));
        var shape = boxes[0].OriginalShape;
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = 0, y1 = 0, z1 = 0;
        foreach (var b in boxes)
        {
            if (b.OriginalShape != shape) throw new ArgumentException($"Boxes of shapes {shape} and {b.OriginalShape} cannot be united.", nameof(boxes));
            x0 = Math.Min(x0, b.Offset.X); y0 = Math.Min(y0, b.Offset.Y); z0 = Math.Min(z0, b.Offset.Z);
            x1 = Math.Max(x1, b.Offset.X + b.Size.X); y1 = Math.Max(y1, b.Offset.Y + b.Size.Y); z1 = Math.Max(z1, b.Offset.Z + b.Size.Z);
        }
        return new CropBox(new Shape3(x0, y0, z0), new Shape3(x1 - x0, y1 - y0, z1 - z0), shape);
    }

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
