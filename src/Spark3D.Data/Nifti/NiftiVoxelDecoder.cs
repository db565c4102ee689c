using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spark3D.Data.Nifti;

/// <summary>
/// Converts raw on-disk voxels of one datatype into float32, span by span: byte swap in place with
/// BinaryPrimitives.ReverseEndianness, then a SIMD widening conversion (Vector&lt;T&gt;). No per-voxel dispatch.
/// Loops are compiled fully optimised at once (AggressiveOptimization): a volume is often decoded only once.
/// </summary>
internal static class NiftiVoxelDecoder
{
    /// <summary>
    /// Decodes <paramref name="raw"/> (whole voxels of <paramref name="type"/>, in file byte order; swapped in place
    /// when <paramref name="swap"/>) into <paramref name="dst"/>, which must have raw.Length / size elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(Span<byte> raw, Span<float> dst, NiftiDataType type, bool swap)
    {
        switch (type)
        {
            case NiftiDataType.UInt8: FromUInt8(raw, dst); break;
            case NiftiDataType.Int8: FromInt8(MemoryMarshal.Cast<byte, sbyte>(raw), dst); break;
            case NiftiDataType.Int16: FromInt16(Swapped(MemoryMarshal.Cast<byte, short>(raw), swap), dst); break;
            case NiftiDataType.UInt16: FromUInt16(Swapped(MemoryMarshal.Cast<byte, ushort>(raw), swap), dst); break;
            case NiftiDataType.Int32: FromInt32(Swapped(MemoryMarshal.Cast<byte, int>(raw), swap), dst); break;
            case NiftiDataType.UInt32: FromUInt32(Swapped(MemoryMarshal.Cast<byte, uint>(raw), swap), dst); break;
            case NiftiDataType.Float32:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst);
                if (swap) SwapInPlace(dst);
                break;
            case NiftiDataType.Float64: FromFloat64(Swapped(MemoryMarshal.Cast<byte, long>(raw), swap), dst); break;
            case NiftiDataType.Int64:
                {
                    var src = Swapped(MemoryMarshal.Cast<byte, long>(raw), swap);
                    for (int i = 0; i < src.Length; i++) dst[i] = src[i];
                    break;
                }
            case NiftiDataType.UInt64:
                {
                    var src = Swapped(MemoryMarshal.Cast<byte, ulong>(raw), swap);
                    for (int i = 0; i < src.Length; i++) dst[i] = src[i];
                    break;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a decodable datatype");
        }
    }

    /// <summary>Swaps the bytes of every element of <paramref name="raw"/> (elements of <paramref name="size"/> bytes) in place.</summary>
    public static void SwapInPlace(Span<byte> raw, int size)
    {
        switch (size)
        {
            case 2: { var s = MemoryMarshal.Cast<byte, ushort>(raw); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 4: { var s = MemoryMarshal.Cast<byte, uint>(raw); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 8: { var s = MemoryMarshal.Cast<byte, ulong>(raw); BinaryPrimitives.ReverseEndianness(s, s); break; }
        }
    }

    /// <summary>Swaps the bytes of every float in place (big-endian float32 read straight into the target).</summary>
    public static void SwapInPlace(Span<float> values)
    {
        var asInt = MemoryMarshal.Cast<float, int>(values);
        BinaryPrimitives.ReverseEndianness(asInt, asInt);
    }

    /// <summary>value = slope · value + inter, vectorised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> values, float slope, float inter)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(slope);
            var b = new Vector<float>(inter);
            var v = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int k = 0; k < v.Length; k++) v[k] = v[k] * s + b;
            i = v.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++) values[i] = values[i] * slope + inter;
    }

    private static Span<T> Swapped<T>(Span<T> span, bool swap) where T : struct
    {
        if (!swap) return span;
        if (typeof(T) == typeof(short)) { var s = MemoryMarshal.Cast<T, short>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        else if (typeof(T) == typeof(ushort)) { var s = MemoryMarshal.Cast<T, ushort>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        else if (typeof(T) == typeof(int)) { var s = MemoryMarshal.Cast<T, int>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        else if (typeof(T) == typeof(uint)) { var s = MemoryMarshal.Cast<T, uint>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        else if (typeof(T) == typeof(long)) { var s = MemoryMarshal.Cast<T, long>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        else if (typeof(T) == typeof(ulong)) { var s = MemoryMarshal.Cast<T, ulong>(span); BinaryPrimitives.ReverseEndianness(s, s); }
        return span;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromUInt8(ReadOnlySpan<byte> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<byte>.Count;
            int quarter = Vector<uint>.Count;
            for (; i <= src.Length - step; i += step)
            {
                var v = new Vector<byte>(src[i..]);
                Vector.Widen(v, out Vector<ushort> lo, out Vector<ushort> hi);
                Vector.Widen(lo, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(hi, out Vector<uint> c, out Vector<uint> d);
                Vector.ConvertToSingle(a).CopyTo(dst[i..]);
                Vector.ConvertToSingle(b).CopyTo(dst[(i + quarter)..]);
                Vector.ConvertToSingle(c).CopyTo(dst[(i + 2 * quarter)..]);
                Vector.ConvertToSingle(d).CopyTo(dst[(i + 3 * quarter)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromInt8(ReadOnlySpan<sbyte> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<sbyte>.Count;
            int quarter = Vector<int>.Count;
            for (; i <= src.Length - step; i += step)
            {
                var v = new Vector<sbyte>(src[i..]);
                Vector.Widen(v, out Vector<short> lo, out Vector<short> hi);
                Vector.Widen(lo, out Vector<int> a, out Vector<int> b);
                Vector.Widen(hi, out Vector<int> c, out Vector<int> d);
                Vector.ConvertToSingle(a).CopyTo(dst[i..]);
                Vector.ConvertToSingle(b).CopyTo(dst[(i + quarter)..]);
                Vector.ConvertToSingle(c).CopyTo(dst[(i + 2 * quarter)..]);
                Vector.ConvertToSingle(d).CopyTo(dst[(i + 3 * quarter)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromInt16(ReadOnlySpan<short> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= src.Length - step; i += step)
            {
                Vector.Widen(new Vector<short>(src[i..]), out Vector<int> a, out Vector<int> b);
                Vector.ConvertToSingle(a).CopyTo(dst[i..]);
                Vector.ConvertToSingle(b).CopyTo(dst[(i + half)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromUInt16(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<ushort>.Count;
            int half = Vector<uint>.Count;
            for (; i <= src.Length - step; i += step)
            {
                Vector.Widen(new Vector<ushort>(src[i..]), out Vector<uint> a, out Vector<uint> b);
                Vector.ConvertToSingle(a).CopyTo(dst[i..]);
                Vector.ConvertToSingle(b).CopyTo(dst[(i + half)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromInt32(ReadOnlySpan<int> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<int>.Count;
            for (; i <= src.Length - step; i += step) Vector.ConvertToSingle(new Vector<int>(src[i..])).CopyTo(dst[i..]);
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromUInt32(ReadOnlySpan<uint> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<uint>.Count;
            for (; i <= src.Length - step; i += step) Vector.ConvertToSingle(new Vector<uint>(src[i..])).CopyTo(dst[i..]);
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromFloat64(ReadOnlySpan<long> bits, Span<float> dst)
    {
        var src = MemoryMarshal.Cast<long, double>(bits);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<double>.Count;
            for (; i <= src.Length - 2 * step; i += 2 * step)
                Vector.Narrow(new Vector<double>(src[i..]), new Vector<double>(src[(i + step)..])).CopyTo(dst[i..]);
        }
        for (; i < src.Length; i++) dst[i] = (float)src[i];
    }
}
