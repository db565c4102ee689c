using System.Numerics;
using System.Runtime.InteropServices;

namespace Spark3D.Data.Preprocessing;

/// <summary>Vectorised span kernels shared by the resampler and the B-spline prefilter.</summary>
internal static class RowMath
{
    /// <summary>dst = a · src.</summary>
    public static void SetScaled(Span<float> dst, ReadOnlySpan<float> src, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && dst.Length >= Vector<float>.Count)
        {
            var d = MemoryMarshal.Cast<float, Vector<float>>(dst);
            var s = MemoryMarshal.Cast<float, Vector<float>>(src[..dst.Length]);
            var va = new Vector<float>(a);
            for (int k = 0; k < d.Length; k++) d[k] = s[k] * va;
            i = d.Length * Vector<float>.Count;
        }
        for (; i < dst.Length; i++) dst[i] = a * src[i];
    }

    /// <summary>dst += a · src.</summary>
    public static void AddScaled(Span<float> dst, ReadOnlySpan<float> src, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && dst.Length >= Vector<float>.Count)
        {
            var d = MemoryMarshal.Cast<float, Vector<float>>(dst);
            var s = MemoryMarshal.Cast<float, Vector<float>>(src[..dst.Length]);
            var va = new Vector<float>(a);
            for (int k = 0; k < d.Length; k++) d[k] += s[k] * va;
            i = d.Length * Vector<float>.Count;
        }
        for (; i < dst.Length; i++) dst[i] += a * src[i];
    }

    /// <summary>dst = a · (next − dst): the anti-causal step of the recursive B-spline filter.</summary>
    public static void AntiCausalStep(Span<float> dst, ReadOnlySpan<float> next, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && dst.Length >= Vector<float>.Count)
        {
            var d = MemoryMarshal.Cast<float, Vector<float>>(dst);
            var s = MemoryMarshal.Cast<float, Vector<float>>(next[..dst.Length]);
            var va = new Vector<float>(a);
            for (int k = 0; k < d.Length; k++) d[k] = (s[k] - d[k]) * va;
            i = d.Length * Vector<float>.Count;
        }
        for (; i < dst.Length; i++) dst[i] = a * (next[i] - dst[i]);
    }

    /// <summary>dst = Σ_t weights[t] · src[offsets[t] …]: one weighted sum of whole rows or planes.</summary>
    public static void WeightedSum(Span<float> dst, float[] src, ReadOnlySpan<long> offsets, ReadOnlySpan<float> weights)
    {
        SetScaled(dst, src.AsSpan((int)offsets[0], dst.Length), weights[0]);
        for (int t = 1; t < offsets.Length; t++)
            if (weights[t] != 0) AddScaled(dst, src.AsSpan((int)offsets[t], dst.Length), weights[t]);
    }
}
