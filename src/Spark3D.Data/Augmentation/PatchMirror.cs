using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>In-place flips of an X-fastest grid along x, y and/or z (exact: voxels are only moved).</summary>
public static class PatchMirror
{
    /// <summary>Flips <paramref name="voxels"/> (shape <paramref name="shape"/>, X fastest) along the chosen axes.</summary>
    public static void Apply(Span<float> voxels, Shape3 shape, bool x, bool y, bool z)
    {
        if (voxels.Length < shape.Count) throw new ArgumentException($"{voxels.Length} voxels do not fill shape {shape}.", nameof(voxels));
        int row = shape.X, plane = shape.X * shape.Y;
        if (x)
            for (int r = 0; r < shape.Y * shape.Z; r++) voxels.Slice(r * row, row).Reverse();
        if (y)
            for (int k = 0; k < shape.Z; k++)
                for (int j = 0; j < shape.Y / 2; j++)
                    voxels.Slice(k * plane + j * row, row).Swap(voxels.Slice(k * plane + (shape.Y - 1 - j) * row, row));
        if (z)
            for (int k = 0; k < shape.Z / 2; k++)
                voxels.Slice(k * plane, plane).Swap(voxels.Slice((shape.Z - 1 - k) * plane, plane));
    }

    private static void Swap(this Span<float> a, Span<float> b)
    {
        const int Block = 256;
        Span<float> tmp = stackalloc float[Block];
        for (int i = 0; i < a.Length; i += Block)
        {
            int n = Math.Min(Block, a.Length - i);
            a.Slice(i, n).CopyTo(tmp);
            b.Slice(i, n).CopyTo(a.Slice(i, n));
            tmp[..n].CopyTo(b.Slice(i, n));
        }
    }
}
