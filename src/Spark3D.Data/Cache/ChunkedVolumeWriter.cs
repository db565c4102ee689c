using System.Diagnostics;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using ZstdSharp;

namespace Spark3D.Data.Cache;

/// <summary>
/// Writes a <see cref="Volume"/> as one chunked cache file (docs/cache-format.md). The file is written to a temporary
/// sibling, flushed, then renamed over <c>path</c>, so readers never see a half-written file.
/// Chunks are encoded one layer of chunks (all chunks with the same z) at a time: the layer's chunks are gathered,
/// converted, shuffled, compressed and hashed in parallel into one layer buffer, which goes to the file in one
/// gathered positional write. Memory beyond the volume: one layer of compressed chunks. The bytes are the same
/// whatever the thread count (each chunk is encoded independently; offsets follow chunk-id order).
/// </summary>
public static class ChunkedVolumeWriter
{
    /// <summary>Zstandard contexts are costly to create and not thread-safe: one per thread and level.</summary>
    [ThreadStatic] private static Compressor? t_zstd;
    [ThreadStatic] private static int t_zstdLevel;

    /// <param name="path">Destination file (parent directory must exist).</param>
    /// <param name="volume">Voxels, shape, spacing and affine to store.</param>
    /// <param name="options">Chunk size, dtype and codec.</param>
    /// <param name="metadataJson">Opaque per-volume JSON (source path, content hash, preprocessing record …), or null.</param>
    public static void Write(string path, Volume volume, ChunkedVolumeOptions options, string? metadataJson = null) =>
        Write(path, volume, options, metadataJson, null);

    /// <summary>
    /// <see cref="Write(string, Volume, ChunkedVolumeOptions, string?)"/>, adding the time spent to the
    /// <see cref="PreprocessStage.Chunk"/>, <see cref="PreprocessStage.Compress"/>, <see cref="PreprocessStage.Checksum"/>
    /// and <see cref="PreprocessStage.Write"/> stages of <paramref name="timings"/>. The wall time of each parallel layer
    /// is split between chunk, compress and checksum in proportion to the thread time each took.
    /// </summary>
    public static void Write(string path, Volume volume, ChunkedVolumeOptions options, string? metadataJson, StageTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(volume);
        Write(path, volume.Voxels, volume.Shape, volume.Spacing, volume.Affine, options, metadataJson, timings);
    }

    /// <summary>The same from a voxel buffer whose first <c>shape.Count</c> elements are the volume (a pooled, longer array is fine).</summary>
    internal static void Write(string path, float[] voxels, Shape3 shape, Spacing3 spacing, Affine affine, ChunkedVolumeOptions options,
        string? metadataJson, StageTimings? timings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(voxels);
        ArgumentNullException.ThrowIfNull(options);
        if (voxels.LongLength < shape.Count) throw new ArgumentException($"{voxels.LongLength} voxels do not fill shape {shape}.", nameof(voxels));
        options.Validate();
        ChunkedVolumeMetadata.CheckInfo(metadataJson);
        long t0 = Stopwatch.GetTimestamp();
        if (options.DType == CacheDType.Float16)
        {
            float max = TensorPrimitives.MaxMagnitude<float>(voxels.AsSpan(0, (int)shape.Count));
            if (float.IsFinite(max) && max > (float)Half.MaxValue)
                throw new ArgumentException($"Volume has |value| {max:g6} beyond float16's range (65504); store it as float32.", nameof(voxels));
        }

        var meta = new ChunkedVolumeMetadata(shape, spacing, affine, options.DType, options.ChunkSize,
            options.Codec, options.Shuffle && options.Codec != ChunkCodec.None, metadataJson);
        byte[] metaBytes = meta.ToUtf8();
        var grid = new ChunkGrid(shape, options.ChunkSize);
        int chunkCount = grid.Count;
        var index = new byte[chunkCount * ChunkedVolumeHeader.IndexEntrySize];
        long dataStart = ChunkedVolumeHeader.Size + metaBytes.Length + index.Length;
        var clock = new Clock(timings);
        clock.Add(PreprocessStage.Chunk, Stopwatch.GetTimestamp() - t0);

        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                long fileLength = WriteChunks(file, dataStart, voxels, options with { Shuffle = meta.Shuffle }, grid, index, clock);
                long t = Stopwatch.GetTimestamp();
                var header = new byte[ChunkedVolumeHeader.Size];
                ChunkedVolumeHeader.Write(header,
                    new ChunkedVolumeHeader.Fields(ChunkedVolumeHeader.Size, metaBytes.Length, ChunkedVolumeHeader.Size + metaBytes.Length,
                        chunkCount, fileLength),
                    metaBytes, index);
                t = clock.Lap(PreprocessStage.Checksum, t);
                RandomAccess.Write(file, new ReadOnlyMemory<byte>[] { header, metaBytes, index }, 0);
                RandomAccess.FlushToDisk(file);
                clock.Lap(PreprocessStage.Write, t);
            }
            long tm = Stopwatch.GetTimestamp();
            File.Move(temp, path, overwrite: true);
            clock.Lap(PreprocessStage.Write, tm);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Encodes and writes every chunk from <paramref name="dataStart"/> on; fills the index; returns the file length.</summary>
    private static long WriteChunks(SafeFileHandle file, long dataStart, float[] voxels, ChunkedVolumeOptions o, ChunkGrid grid, byte[] index, Clock clock)
    {
        int cs = o.ChunkSize;
        int bpv = o.DType == CacheDType.Float16 ? 2 : 4;
        int maxRaw = cs * cs * cs * bpv;
        int bound = ChunkCompressor.Bound(o.Codec, maxRaw);
        var chunks = grid.Chunks;
        int perLayer = chunks.X * chunks.Y;
        var layer = GC.AllocateUninitializedArray<byte>(checked(perLayer * bound));
        var lengths = new int[perLayer];
        var hashes = new ulong[perLayer];
        var buffers = new ReadOnlyMemory<byte>[perLayer];
        var threadTicks = new long[3];
        long position = dataStart;
        for (int cz = 0; cz < chunks.Z; cz++)
        {
            long t = Stopwatch.GetTimestamp();
            Array.Clear(threadTicks);
            Parallel.For(0, perLayer,
                () => new Scratch(cs * cs * cs, bpv, o.Shuffle),
                (i, _, scratch) =>
                {
                    int cx = i % chunks.X, cy = i / chunks.X;
                    long a = Stopwatch.GetTimestamp();
                    var raw = Gather(voxels, grid, cx, cy, cz, o, scratch);
                    long b = Stopwatch.GetTimestamp();
                    var slot = layer.AsSpan(i * bound, bound);
                    int len = Compress(o.Codec, o.CompressionLevel, raw, slot);
                    long c = Stopwatch.GetTimestamp();
                    hashes[i] = XxHash3.HashToUInt64(slot[..len]);
                    lengths[i] = len;
                    long d = Stopwatch.GetTimestamp();
                    scratch.Chunk += b - a;
                    scratch.Compress += c - b;
                    scratch.Checksum += d - c;
                    return scratch;
                },
                scratch =>
                {
                    Interlocked.Add(ref threadTicks[0], scratch.Chunk);
                    Interlocked.Add(ref threadTicks[1], scratch.Compress);
                    Interlocked.Add(ref threadTicks[2], scratch.Checksum);
                });
            long u = Stopwatch.GetTimestamp();
            clock.Split(u - t, threadTicks);
            long layerStart = position;
            for (int i = 0; i < perLayer; i++)
            {
                int cx = i % chunks.X, cy = i / chunks.X;
                ChunkedVolumeHeader.WriteEntry(index, grid.Id(cx, cy, cz), new ChunkedVolumeHeader.IndexEntry(position, lengths[i], hashes[i]));
                buffers[i] = layer.AsMemory(i * bound, lengths[i]);
                position += lengths[i];
            }
            RandomAccess.Write(file, buffers, layerStart);
            clock.Lap(PreprocessStage.Write, u);
        }
        return position;
    }

    /// <summary>The chunk's voxels (X fastest within the chunk) in the cache dtype, byte-shuffled when asked.</summary>
    private static ReadOnlySpan<byte> Gather(float[] voxels, ChunkGrid grid, int cx, int cy, int cz, ChunkedVolumeOptions o, Scratch s)
    {
        int cs = o.ChunkSize;
        var e = grid.Extent(cx, cy, cz);
        int n = (int)e.Count;
        var shape = grid.Shape;
        int bpv = o.DType == CacheDType.Float16 ? 2 : 4;
        var raw = s.Raw.AsSpan(0, n * bpv);
        // float32: gathered straight into the raw bytes; float16: gathered, then converted.
        var floats = o.DType == CacheDType.Float32 ? MemoryMarshal.Cast<byte, float>(raw) : s.Floats.AsSpan(0, n);
        for (int z = 0; z < e.Z; z++)
            for (int y = 0; y < e.Y; y++)
                voxels.AsSpan((int)shape.Index(cx * cs, cy * cs + y, cz * cs + z), e.X)
                    .CopyTo(floats.Slice(e.X * (y + e.Y * z), e.X));
        if (o.DType != CacheDType.Float32) VoxelEncoding.Encode(floats, o.DType, raw);
        if (!o.Shuffle) return raw;
        var shuffled = s.Shuffled.AsSpan(0, n * bpv);
        ByteShuffle.Shuffle(raw, bpv, shuffled);
        return shuffled;
    }

    private static int Compress(ChunkCodec codec, int level, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (codec != ChunkCodec.Zstd)
        {
            Compressor? unused = null;
            return ChunkCompressor.Compress(codec, level, source, destination, ref unused);
        }
        int zstdLevel = level == 0 ? 3 : level;
        if (t_zstd is null || t_zstdLevel != zstdLevel)
        {
            t_zstd?.Dispose();
            t_zstd = new Compressor(zstdLevel);
            t_zstdLevel = zstdLevel;
        }
        var zstd = t_zstd;
        return ChunkCompressor.Compress(codec, level, source, destination, ref zstd);
    }

    /// <summary>Per-thread buffers of one chunk, and the thread's time per sub-stage.</summary>
    private sealed class Scratch(int voxels, int bytesPerVoxel, bool shuffle)
    {
        public float[] Floats { get; } = bytesPerVoxel == 4 ? [] : GC.AllocateUninitializedArray<float>(voxels);

        public byte[] Raw { get; } = GC.AllocateUninitializedArray<byte>(voxels * bytesPerVoxel);

        public byte[] Shuffled { get; } = shuffle ? GC.AllocateUninitializedArray<byte>(voxels * bytesPerVoxel) : [];

        public long Chunk, Compress, Checksum;
    }

    /// <summary>Stage bookkeeping that costs nothing when no timings were asked for.</summary>
    private readonly struct Clock(StageTimings? timings)
    {
        public void Add(PreprocessStage stage, long ticks) => timings?.Add(stage, ticks);

        public long Lap(PreprocessStage stage, long start) => timings?.Lap(stage, start) ?? Stopwatch.GetTimestamp();

        /// <summary>Splits <paramref name="wall"/> ticks between chunk, compress and checksum in proportion to their thread time.</summary>
        public void Split(long wall, long[] threadTicks)
        {
            if (timings is null) return;
            double total = threadTicks[0] + threadTicks[1] + threadTicks[2];
            if (total <= 0) { timings.Add(PreprocessStage.Chunk, wall); return; }
            long chunk = (long)(wall * (threadTicks[0] / total)), compress = (long)(wall * (threadTicks[1] / total));
            timings.Add(PreprocessStage.Chunk, chunk);
            timings.Add(PreprocessStage.Compress, compress);
            timings.Add(PreprocessStage.Checksum, wall - chunk - compress);
        }
    }
}
