using System.Buffers.Binary;

namespace Spark3D.Data.Nifti;

/// <summary>
/// How the writer stores float voxels as int16/uint8: unscaled (slope 1, inter 0) when every finite value is an
/// integer in range; otherwise a linear map of [min, max] onto the full integer range. NaN/Inf are stored as raw 0.
/// </summary>
internal static class NiftiIntegerScaling
{
    /// <summary>scl_slope and scl_inter for <paramref name="type"/> (1, 0 for float32).</summary>
    public static (double Slope, double Inter) Choose(ReadOnlySpan<float> values, NiftiDataType type)
    {
        if (type == NiftiDataType.Float32) return (1, 0);
        var (lo, hi) = Range(type);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool integral = true;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
            if (integral && v != MathF.Round(v)) integral = false;
        }
        if (min > max) return (1, 0); // no finite values
        if (integral && min >= lo && max <= hi) return (1, 0);
        double slope = (max - min) / (hi - lo);
        if (slope == 0) slope = 1;
        return (slope, min - lo * slope);
    }

    /// <summary>raw = round((value - inter) / slope), clamped to the type's range, little-endian.</summary>
    public static void Encode(ReadOnlySpan<float> src, Span<byte> dst, NiftiDataType type, double slope, double inter)
    {
        var (lo, hi) = Range(type);
        double inv = 1 / slope;
        for (int i = 0; i < src.Length; i++)
        {
            float v = src[i];
            double raw = float.IsFinite(v) ? Math.Clamp(Math.Round((v - inter) * inv), lo, hi) : 0;
            switch (type)
            {
                case NiftiDataType.UInt8: dst[i] = (byte)raw; break;
                case NiftiDataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(dst[(2 * i)..], (short)raw); break;
                default: BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], v); break;
            }
        }
    }

    private static (double Lo, double Hi) Range(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 => (0, 255),
        NiftiDataType.Int16 => (short.MinValue, short.MaxValue),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };
}
