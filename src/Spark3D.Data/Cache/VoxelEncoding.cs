using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Spark3D.Data.Cache;

/// <summary>float32 → on-disk dtype conversion (reads convert inline in ChunkedVolumeFile) (vectorised by TensorPrimitives for float16). Little-endian hosts only.</summary>
internal static class VoxelEncoding
{
    public static void Encode(ReadOnlySpan<float> source, CacheDType dtype, Span<byte> destination)
    {
        if (dtype == CacheDType.Float32) MemoryMarshal.AsBytes(source).CopyTo(destination);
        else TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
    }
}
