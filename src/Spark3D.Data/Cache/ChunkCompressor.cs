using K4os.Compression.LZ4;
using ZstdSharp;

namespace Spark3D.Data.Cache;

/// <summary>Per-chunk compression. Zstd contexts are per thread (they are not thread-safe and costly to create).</summary>
internal static class ChunkCompressor
{
    [ThreadStatic] private static Decompressor? t_zstdDecompressor;

    /// <summary>Upper bound of the compressed size of <paramref name="length"/> bytes.</summary>
    public static int Bound(ChunkCodec codec, int length) => codec switch
    {
        ChunkCodec.None => length,
        ChunkCodec.Lz4 => LZ4Codec.MaximumOutputSize(length),
        _ => Compressor.GetCompressBound(length),
    };

    /// <summary>Compresses; returns the number of bytes written.</summary>
    public static int Compress(ChunkCodec codec, int level, ReadOnlySpan<byte> source, Span<byte> destination, ref Compressor? zstd)
    {
        switch (codec)
        {
            case ChunkCodec.None:
                source.CopyTo(destination);
                return source.Length;
            case ChunkCodec.Lz4:
                int n = LZ4Codec.Encode(source, destination, level == 0 ? LZ4Level.L00_FAST : (LZ4Level)Math.Min(level, 12));
                if (n <= 0) throw new InvalidOperationException("LZ4 compression failed.");
                return n;
            default:
                zstd ??= new Compressor(level == 0 ? 3 : level);
                return zstd.Wrap(source, destination);
        }
    }

    /// <summary>Decompresses exactly destination.Length bytes or throws <see cref="CacheFormatException"/>.</summary>
    public static void Decompress(string path, int chunkId, ChunkCodec codec, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n;
        try
        {
            n = codec switch
            {
                ChunkCodec.Lz4 => LZ4Codec.Decode(source, destination),
                _ => (t_zstdDecompressor ??= new Decompressor()).Unwrap(source, destination),
            };
        }
        catch (Exception e) when (e is ZstdException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new CacheFormatException(path, $"chunk {chunkId} does not decompress ({codec}): {e.Message}", e);
        }
        if (n != destination.Length)
            throw new CacheFormatException(path, $"chunk {chunkId} decompressed to {n} bytes, expected {destination.Length} ({codec}).");
    }
}
