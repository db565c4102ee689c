namespace Spark3D.Data.Cache;

/// <summary>Per-chunk compression of a cache volume file.</summary>
public enum ChunkCodec
{
    /// <summary>Raw little-endian voxels: crops are copied straight from the memory map.</summary>
    None = 0,

    /// <summary>LZ4 block format (K4os.Compression.LZ4): fastest to decode.</summary>
    Lz4 = 1,

    /// <summary>Zstandard frame (ZstdSharp): smallest files.</summary>
    Zstd = 2,
}
