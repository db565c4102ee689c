namespace Spark3D.Data.Cache;

/// <summary>
/// How <see cref="ChunkedVolumeWriter"/> lays a volume out (HOCON <c>spark3d.data.cache</c>).
/// Chunk edge 32 by default: a random 160³ crop touches ~6³ chunks of 32³ (≈1.7× the crop's voxels decoded) against
/// ~3.5³ chunks of 64³ (≈2.7×), and for 64³ crops 27×32³ vs 8×64³ (3.4× vs 8×); a 128 KiB float32 chunk still
/// compresses well and the index stays tiny (512 entries for 256³).
/// <see cref="Shuffle"/> byte-shuffles each chunk before compression (like Blosc); ignored for <see cref="ChunkCodec.None"/>,
/// whose chunks must stay plain so crops can be copied straight from the map.
/// </summary>
public sealed record ChunkedVolumeOptions(
    int ChunkSize = 32,
    CacheDType DType = CacheDType.Float32,
    ChunkCodec Codec = ChunkCodec.Lz4,
    int CompressionLevel = 0,
    bool Shuffle = true)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (ChunkSize is < 4 or > 256)
            throw new ArgumentException($"Chunk size must be within 4..256 (got {ChunkSize}).", nameof(ChunkSize));
        if (!Enum.IsDefined(DType)) throw new ArgumentException($"Unknown dtype {DType}.", nameof(DType));
        if (!Enum.IsDefined(Codec)) throw new ArgumentException($"Unknown codec {Codec}.", nameof(Codec));
        if (CompressionLevel is < 0 or > 22)
            throw new ArgumentException($"Compression level must be within 0..22 (got {CompressionLevel}); 0 = codec default.", nameof(CompressionLevel));
    }
}
