using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>In-place flips of an X-fastest grid along x, y and/or z (exact: voxels are only moved).</summary>
public static class PatchMirror
{
    /// <summary>
    /// Flips <paramref name="voxels"/> (shape <paramref name="shape"/>, X fastest) along the chosen axes in one pass: row
    /// (y, z) and its mirror row (y', z') are swapped (each reversed when x flips), so every voxel is moved once
    /// whatever the number of axes (three separate passes moved a 160³ patch three times).
    /// </summary>
    public static void Apply(Span<float> voxels, Shape3 shape, bool x, bool y, bool z)
    {
        if (voxels.Length < shape.Count) throw new ArgumentException($"{voxels.Length} voxels do not fill shape {shape}.", nameof(voxels));
        if (!x && !y && !z) return;
        int row = shape.X;
        float[]? rented = row > 1024 ? ArrayPool<float>.Shared.Rent(row) : null;
        Span<float> tmp = rented is null ? stackalloc float[row] : rented.AsSpan(0, row);
        try
        {
            for (int k = 0; k < shape.Z; k++)
            {
                int k2 = z ? shape.Z - 1 - k : k;
                for (int j = 0; j < shape.Y; j++)
                {
                    int j2 = y ? shape.Y - 1 - j : j;
                    long a = (long)row * (j + (long)shape.Y * k), b = (long)row * (j2 + (long)shape.Y * k2);
                    if (b < a) continue; // the pair was handled from its other row
                    var ra = voxels.Slice((int)a, row);
                    if (a == b)
                    {
                        if (x) ra.Reverse();
                        continue;
                    }
                    var rb = voxels.Slice((int)b, row);
                    ra.CopyTo(tmp);
                    rb.CopyTo(ra);
                    tmp.CopyTo(rb);
                    if (x)
                    {
                        ra.Reverse();
                        rb.Reverse();
                    }
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> (shape <paramref name="shape"/>) into <paramref name="destination"/> flipped along
    /// the chosen axes: one read and one write per voxel (rows reversed 8 floats at a time with AVX2).
    /// </summary>
    public static unsafe void CopyMirrored(ReadOnlySpan<float> source, Span<float> destination, Shape3 shape, bool x, bool y, bool z)
    {
        if (source.Length < shape.Count || destination.Length < shape.Count)
            throw new ArgumentException($"Source or destination does not fill shape {shape}.");
        int nx = shape.X;
        var reverse = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
        fixed (float* s0 = source)
        fixed (float* d0 = destination)
        {
            for (int k = 0; k < shape.Z; k++)
                for (int j = 0; j < shape.Y; j++)
                {
                    float* s = s0 + shape.Index(0, j, k);
                    float* d = d0 + shape.Index(0, y ? shape.Y - 1 - j : j, z ? shape.Z - 1 - k : k);
                    if (!x)
                    {
                        new ReadOnlySpan<float>(s, nx).CopyTo(new Span<float>(d, nx));
                        continue;
                    }
                    int i = 0;
                    if (Avx2.IsSupported)
                        for (; i + 8 <= nx; i += 8)
                            Avx2.PermuteVar8x32(Avx.LoadVector256(s + i), reverse).Store(d + (nx - 8 - i));
                    for (; i < nx; i++) d[nx - 1 - i] = s[i];
                }
        }
    }
}
