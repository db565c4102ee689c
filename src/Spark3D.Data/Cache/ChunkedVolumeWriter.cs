using System.Numerics.Tensors;
using System.IO.Hashing;
using Spark3D.Data.Volumes;
using ZstdSharp;

namespace Spark3D.Data.Cache;

/// <summary>
/// Writes a <see cref="Volume"/> as one chunked cache file (docs/cache-format.md). The file is written to a temporary
/// sibling, flushed, then renamed over <c>path</c>, so readers never see a half-written file.
/// </summary>
public static class ChunkedVolumeWriter
{
    /// <param name="path">Destination file (parent directory must exist).</param>
    /// <param name="volume">Voxels, shape, spacing and affine to store.</param>
    /// <param name="options">Chunk size, dtype and codec.</param>
    /// <param name="metadataJson">Opaque per-volume JSON (source path, content hash, preprocessing record …), or null.</param>
    public static void Write(string path, Volume volume, ChunkedVolumeOptions options, string? metadataJson = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ChunkedVolumeMetadata.CheckInfo(metadataJson);
        if (options.DType == CacheDType.Float16)
        {
            float max = TensorPrimitives.MaxMagnitude<float>(volume.Voxels);
            if (float.IsFinite(max) && max > (float)Half.MaxValue)
                throw new ArgumentException($"Volume has |value| {max:g6} beyond float16's range (65504); store it as float32.", nameof(volume));
        }

        var meta = new ChunkedVolumeMetadata(volume.Shape, volume.Spacing, volume.Affine, options.DType, options.ChunkSize,
            options.Codec, options.Shuffle && options.Codec != ChunkCodec.None, metadataJson);
        byte[] metaBytes = meta.ToUtf8();
        var grid = new ChunkGrid(volume.Shape, options.ChunkSize);
        int chunkCount = grid.Count;
        var index = new byte[chunkCount * ChunkedVolumeHeader.IndexEntrySize];
        long dataStart = ChunkedVolumeHeader.Size + metaBytes.Length + index.Length;

        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                fs.SetLength(dataStart);
                fs.Position = dataStart;
                WriteChunks(fs, volume, options with { Shuffle = meta.Shuffle }, grid, index);
                long fileLength = fs.Length;
                var header = new byte[ChunkedVolumeHeader.Size];
                ChunkedVolumeHeader.Write(header,
                    new ChunkedVolumeHeader.Fields(ChunkedVolumeHeader.Size, metaBytes.Length, ChunkedVolumeHeader.Size + metaBytes.Length,
                        chunkCount, fileLength),
                    metaBytes, index);
                fs.Position = 0;
                fs.Write(header);
                fs.Write(metaBytes);
                fs.Write(index);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    private static void WriteChunks(FileStream fs, Volume volume, ChunkedVolumeOptions o, ChunkGrid grid, byte[] index)
    {
        int cs = o.ChunkSize;
        int bpv = o.DType == CacheDType.Float16 ? 2 : 4;
        int maxVoxels = cs * cs * cs;
        var floats = new float[maxVoxels];
        var raw = new byte[maxVoxels * bpv];
        var shuffled = o.Shuffle ? new byte[raw.Length] : raw;
        var packed = new byte[ChunkCompressor.Bound(o.Codec, raw.Length)];
        Compressor? zstd = null;
        try
        {
            var chunks = grid.Chunks;
            var shape = volume.Shape;
            for (int cz = 0; cz < chunks.Z; cz++)
                for (int cy = 0; cy < chunks.Y; cy++)
                    for (int cx = 0; cx < chunks.X; cx++)
                    {
                        var e = grid.Extent(cx, cy, cz);
                        int n = (int)e.Count;
                        // Gather the chunk's voxels (X fastest within the chunk).
                        for (int z = 0; z < e.Z; z++)
                            for (int y = 0; y < e.Y; y++)
                                volume.Voxels.AsSpan((int)shape.Index(cx * cs, cy * cs + y, cz * cs + z), e.X)
                                    .CopyTo(floats.AsSpan(e.X * (y + e.Y * z), e.X));
                        VoxelEncoding.Encode(floats.AsSpan(0, n), o.DType, raw);
                        if (o.Shuffle) ByteShuffle.Shuffle(raw.AsSpan(0, n * bpv), bpv, shuffled);
                        int len = ChunkCompressor.Compress(o.Codec, o.CompressionLevel, shuffled.AsSpan(0, n * bpv), packed, ref zstd);
                        var stored = packed.AsSpan(0, len);
                        ChunkedVolumeHeader.WriteEntry(index, grid.Id(cx, cy, cz),
                            new ChunkedVolumeHeader.IndexEntry(fs.Position, len, XxHash3.HashToUInt64(stored)));
                        fs.Write(stored);
                    }
        }
        finally
        {
            zstd?.Dispose();
        }
    }
}
