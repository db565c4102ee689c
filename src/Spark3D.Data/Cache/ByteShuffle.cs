using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spark3D.Data.Cache;

/// <summary>
/// Blosc-style byte shuffle: groups byte 0 of every element, then byte 1, … Float exponents/high mantissa bytes vary
/// slowly, so the shuffled stream compresses far better than interleaved floats (noisy MR data barely compresses without it).
/// </summary>
internal static unsafe class ByteShuffle
{
    /// <summary>Byte-shuffles whole elements of <paramref name="elementSize"/> (2 or 4) bytes; SSSE3 byte shuffles and
    /// dword/qword unpacks transpose 16 elements per step (the write hot path), a scalar loop does the rest.</summary>
    public static void Shuffle(ReadOnlySpan<byte> source, int elementSize, Span<byte> destination)
    {
        int n = source.Length / elementSize;
        fixed (byte* s = source, d = destination)
        {
            int i = 0;
            if (elementSize == 4)
            {
                uint* src = (uint*)s;
                byte* d0 = d, d1 = d + n, d2 = d + 2 * n, d3 = d + 3 * n;
                if (Ssse3.IsSupported)
                {
                    // Per 4 elements: byte 0 of each, then byte 1, … (four dwords), then a 4×4 dword transpose.
                    var group = Vector128.Create((byte)0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
                    for (; i + 16 <= n; i += 16)
                    {
                        byte* p = (byte*)(src + i);
                        var a = Ssse3.Shuffle(Sse2.LoadVector128(p), group).AsUInt32();
                        var b = Ssse3.Shuffle(Sse2.LoadVector128(p + 16), group).AsUInt32();
                        var c = Ssse3.Shuffle(Sse2.LoadVector128(p + 32), group).AsUInt32();
                        var e = Ssse3.Shuffle(Sse2.LoadVector128(p + 48), group).AsUInt32();
                        var abLo = Sse2.UnpackLow(a, b).AsUInt64();
                        var abHi = Sse2.UnpackHigh(a, b).AsUInt64();
                        var ceLo = Sse2.UnpackLow(c, e).AsUInt64();
                        var ceHi = Sse2.UnpackHigh(c, e).AsUInt64();
                        Sse2.Store(d0 + i, Sse2.UnpackLow(abLo, ceLo).AsByte());
                        Sse2.Store(d1 + i, Sse2.UnpackHigh(abLo, ceLo).AsByte());
                        Sse2.Store(d2 + i, Sse2.UnpackLow(abHi, ceHi).AsByte());
                        Sse2.Store(d3 + i, Sse2.UnpackHigh(abHi, ceHi).AsByte());
                    }
                }
                for (; i < n; i++)
                {
                    uint v = src[i];
                    d0[i] = (byte)v; d1[i] = (byte)(v >> 8); d2[i] = (byte)(v >> 16); d3[i] = (byte)(v >> 24);
                }
            }
            else
            {
                ushort* src = (ushort*)s;
                byte* d0 = d, d1 = d + n;
                if (Ssse3.IsSupported)
                {
                    var group = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
                    for (; i + 16 <= n; i += 16)
                    {
                        byte* p = (byte*)(src + i);
                        var a = Ssse3.Shuffle(Sse2.LoadVector128(p), group).AsUInt64();
                        var b = Ssse3.Shuffle(Sse2.LoadVector128(p + 16), group).AsUInt64();
                        Sse2.Store(d0 + i, Sse2.UnpackLow(a, b).AsByte());
                        Sse2.Store(d1 + i, Sse2.UnpackHigh(a, b).AsByte());
                    }
                }
                for (; i < n; i++)
                {
                    ushort v = src[i];
                    d0[i] = (byte)v; d1[i] = (byte)(v >> 8);
                }
            }
        }
    }

    /// <summary>Inverse of <see cref="Shuffle"/>; SSE2 byte/word unpacks interleave 16 elements per step (the read hot path).</summary>
    public static void Unshuffle(ReadOnlySpan<byte> source, int elementSize, Span<byte> destination)
    {
        int n = source.Length / elementSize;
        fixed (byte* s = source, d = destination)
        {
            int i = 0;
            if (elementSize == 4)
            {
                uint* dst = (uint*)d;
                byte* s0 = s, s1 = s + n, s2 = s + 2 * n, s3 = s + 3 * n;
                if (Sse2.IsSupported)
                    for (; i + 16 <= n; i += 16)
                    {
                        var a = Sse2.LoadVector128(s0 + i);
                        var b = Sse2.LoadVector128(s1 + i);
                        var c = Sse2.LoadVector128(s2 + i);
                        var e = Sse2.LoadVector128(s3 + i);
                        var abLo = Sse2.UnpackLow(a, b).AsUInt16();
                        var abHi = Sse2.UnpackHigh(a, b).AsUInt16();
                        var ceLo = Sse2.UnpackLow(c, e).AsUInt16();
                        var ceHi = Sse2.UnpackHigh(c, e).AsUInt16();
                        byte* o = (byte*)(dst + i);
                        Sse2.Store(o, Sse2.UnpackLow(abLo, ceLo).AsByte());
                        Sse2.Store(o + 16, Sse2.UnpackHigh(abLo, ceLo).AsByte());
                        Sse2.Store(o + 32, Sse2.UnpackLow(abHi, ceHi).AsByte());
                        Sse2.Store(o + 48, Sse2.UnpackHigh(abHi, ceHi).AsByte());
                    }
                for (; i < n; i++)
                    dst[i] = s0[i] | ((uint)s1[i] << 8) | ((uint)s2[i] << 16) | ((uint)s3[i] << 24);
            }
            else
            {
                ushort* dst = (ushort*)d;
                byte* s0 = s, s1 = s + n;
                if (Sse2.IsSupported)
                    for (; i + 16 <= n; i += 16)
                    {
                        var a = Sse2.LoadVector128(s0 + i);
                        var b = Sse2.LoadVector128(s1 + i);
                        Sse2.Store((byte*)(dst + i), Sse2.UnpackLow(a, b));
                        Sse2.Store((byte*)(dst + i) + 16, Sse2.UnpackHigh(a, b));
                    }
                for (; i < n; i++)
                    dst[i] = (ushort)(s0[i] | (s1[i] << 8));
            }
        }
    }
}
