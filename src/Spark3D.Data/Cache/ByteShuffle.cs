namespace Spark3D.Data.Cache;

/// <summary>
/// Blosc-style byte shuffle: groups byte 0 of every element, then byte 1, … Float exponents/high mantissa bytes vary
/// slowly, so the shuffled stream compresses far better than interleaved floats (noisy MR data barely compresses without it).
/// </summary>
internal static unsafe class ByteShuffle
{
    public static void Shuffle(ReadOnlySpan<byte> source, int elementSize, Span<byte> destination)
    {
        int n = source.Length / elementSize;
        fixed (byte* s = source, d = destination)
        {
            if (elementSize == 4)
            {
                uint* src = (uint*)s;
                byte* d0 = d, d1 = d + n, d2 = d + 2 * n, d3 = d + 3 * n;
                for (int i = 0; i < n; i++)
                {
                    uint v = src[i];
                    d0[i] = (byte)v; d1[i] = (byte)(v >> 8); d2[i] = (byte)(v >> 16); d3[i] = (byte)(v >> 24);
                }
            }
            else
            {
                ushort* src = (ushort*)s;
                byte* d0 = d, d1 = d + n;
                for (int i = 0; i < n; i++)
                {
                    ushort v = src[i];
                    d0[i] = (byte)v; d1[i] = (byte)(v >> 8);
                }
            }
        }
    }

    public static void Unshuffle(ReadOnlySpan<byte> source, int elementSize, Span<byte> destination)
    {
        int n = source.Length / elementSize;
        fixed (byte* s = source, d = destination)
        {
            if (elementSize == 4)
            {
                uint* dst = (uint*)d;
                byte* s0 = s, s1 = s + n, s2 = s + 2 * n, s3 = s + 3 * n;
                for (int i = 0; i < n; i++)
                    dst[i] = s0[i] | ((uint)s1[i] << 8) | ((uint)s2[i] << 16) | ((uint)s3[i] << 24);
            }
            else
            {
                ushort* dst = (ushort*)d;
                byte* s0 = s, s1 = s + n;
                for (int i = 0; i < n; i++)
                    dst[i] = (ushort)(s0[i] | (s1[i] << 8));
            }
        }
    }
}
