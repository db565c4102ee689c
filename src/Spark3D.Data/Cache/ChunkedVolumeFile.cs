using System.Buffers;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>
/// A memory-mapped, read-only view of a chunked cache volume (docs/cache-format.md). Crops decode only the chunks they
/// touch; with codec <see cref="ChunkCodec.None"/> voxels are copied straight from the map. Reads are thread-safe
/// (no mutable state; scratch buffers come from the shared pool); a Dispose racing with reads waits for them to finish
/// unmapping, and later reads throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class ChunkedVolumeFile : IVolumeCropSource, IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly ChunkedVolumeMetadata _meta;
    private readonly ChunkGrid _grid;
    private readonly ChunkedVolumeHeader.IndexEntry[] _index;
    private readonly bool _verifyChunks;
    // Chunks whose checksum already passed: the mapped file is immutable (writers replace it by rename), so each chunk
    // is hashed at most once per open file. Racing readers may both verify a chunk; that is harmless.
    private readonly byte[] _verified;
    private int _disposed;

    private ChunkedVolumeFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePtr, long length,
        bool verifyChunks)
    {
        FilePath = path;
        _map = map;
        _view = view;
        _base = basePtr;
        FileLength = length;
        _verifyChunks = verifyChunks;

        var header = new ReadOnlySpan<byte>(basePtr, ChunkedVolumeHeader.Size);
        var f = ChunkedVolumeHeader.Read(path, header, length);
        var metaBytes = new ReadOnlySpan<byte>(basePtr + f.MetadataOffset, (int)f.MetadataLength);
        var indexBytes = new ReadOnlySpan<byte>(basePtr + f.IndexOffset, (int)f.ChunkCount * ChunkedVolumeHeader.IndexEntrySize);
        if (ChunkedVolumeHeader.Checksum(header, metaBytes, indexBytes) != ChunkedVolumeHeader.ReadChecksum(header))
            throw new CacheFormatException(path, "header/metadata/index checksum mismatch (file is corrupt).");
        _meta = ChunkedVolumeMetadata.Parse(path, metaBytes);
        _grid = new ChunkGrid(_meta.Shape, _meta.ChunkSize);
        if (_grid.Count != f.ChunkCount)
            throw new CacheFormatException(path, $"index has {f.ChunkCount} chunks, shape {_meta.Shape} needs {_grid.Count}.");
        _index = new ChunkedVolumeHeader.IndexEntry[_grid.Count];
        _verified = new byte[_grid.Count];
        long dataStart = f.IndexOffset + indexBytes.Length;
        int maxRaw = _meta.ChunkSize * _meta.ChunkSize * _meta.ChunkSize * _meta.BytesPerVoxel;
        int bound = ChunkCompressor.Bound(_meta.Codec, maxRaw);
        for (int id = 0; id < _index.Length; id++)
        {
            var e = ChunkedVolumeHeader.ReadEntry(indexBytes, id);
            if (e.Offset < dataStart || e.Length <= 0 || e.Length > bound || e.Offset + e.Length > length)
                throw new CacheFormatException(path, $"chunk {id} index entry (offset {e.Offset}, length {e.Length}) is out of range.");
            _index[id] = e;
        }
        if (_meta.Codec == ChunkCodec.None)
            for (int cz = 0; cz < _grid.Chunks.Z; cz++)
                for (int cy = 0; cy < _grid.Chunks.Y; cy++)
                    for (int cx = 0; cx < _grid.Chunks.X; cx++)
                        if (_index[_grid.Id(cx, cy, cz)].Length != _grid.Extent(cx, cy, cz).Count * _meta.BytesPerVoxel)
                            throw new CacheFormatException(path, $"uncompressed chunk {_grid.Id(cx, cy, cz)} has the wrong length.");
    }

    /// <summary>
    /// Maps and validates a cache file (header, checksum of header+metadata+index, index ranges).
    /// Each chunk's payload checksum is verified the first time it is read unless <paramref name="verifyChunks"/> is false.
    /// </summary>
    /// <exception cref="CacheFormatException">The file is truncated, corrupt or not a cache volume.</exception>
    public static ChunkedVolumeFile Open(string path, bool verifyChunks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.RandomAccess);
        long length = fs.Length;
        if (length < ChunkedVolumeHeader.Size)
        {
            fs.Dispose();
            throw new CacheFormatException(path, $"truncated: {length} bytes, the header alone needs {ChunkedVolumeHeader.Size}.");
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            map = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            acquired = true;
            return new ChunkedVolumeFile(path, map, view, p + view.PointerOffset, length, verifyChunks);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            if (map is null) fs.Dispose();
            map?.Dispose();
            throw;
        }
    }

    public string FilePath { get; }

    public long FileLength { get; }

    public Shape3 Shape => _meta.Shape;

    public Spacing3 Spacing => _meta.Spacing;

    public Affine Affine => _meta.Affine;

    /// <summary>The caller's opaque per-volume JSON given at write time (re-serialised compactly), or null.</summary>
    public string? MetadataJson => _meta.InfoJson;

    /// <summary>Layout the file was written with.</summary>
    public ChunkedVolumeOptions Options => new(_meta.ChunkSize, _meta.DType, _meta.Codec, Shuffle: _meta.Shuffle);

    public void ReadCrop(int x0, int y0, int z0, Shape3 size, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CropWindow.Validate(size, destination.Length);
        var w = CropWindow.Compute(Shape, x0, y0, z0, size);
        if (!w.FullyInside) destination[..checked((int)size.Count)].Clear();
        if (w.IsEmpty) return;

        int cs = _meta.ChunkSize, bpv = _meta.BytesPerVoxel;
        var dtype = _meta.DType;
        int chunkBytes = cs * cs * cs * bpv;
        // Hold a reference on the view so a concurrent Dispose defers the unmap until this read is done.
        var handle = _view.SafeMemoryMappedViewHandle;
        bool referenced = false;
        handle.DangerousAddRef(ref referenced);
        // Compressed chunks decode into the first half of the scratch; the shuffle filter unshuffles into the second.
        byte[]? scratch = _meta.Codec == ChunkCodec.None ? null : ArrayPool<byte>.Shared.Rent(_meta.Shuffle ? 2 * chunkBytes : chunkBytes);
        try
        {
            for (int cz = w.Z0 / cs; cz <= (w.Z1 - 1) / cs; cz++)
                for (int cy = w.Y0 / cs; cy <= (w.Y1 - 1) / cs; cy++)
                    for (int cx = w.X0 / cs; cx <= (w.X1 - 1) / cs; cx++)
                    {
                        var e = _grid.Extent(cx, cy, cz);
                        int ox = cx * cs, oy = cy * cs, oz = cz * cs;
                        var chunk = Chunk(_grid.Id(cx, cy, cz), (int)e.Count * bpv, scratch, chunkBytes);
                        int xa = Math.Max(w.X0, ox), xb = Math.Min(w.X1, ox + e.X);
                        int ya = Math.Max(w.Y0, oy), yb = Math.Min(w.Y1, oy + e.Y);
                        int za = Math.Max(w.Z0, oz), zb = Math.Min(w.Z1, oz + e.Z);
                        int run = xb - xa;
                        if (dtype == CacheDType.Float32)
                        {
                            var voxels = MemoryMarshal.Cast<byte, float>(chunk);
                            for (int z = za; z < zb; z++)
                                for (int y = ya; y < yb; y++)
                                    voxels.Slice((xa - ox) + e.X * ((y - oy) + e.Y * (z - oz)), run)
                                        .CopyTo(destination.Slice((int)((xa - x0) + (long)size.X * ((y - y0) + (long)size.Y * (z - z0))), run));
                        }
                        else
                        {
                            var halves = MemoryMarshal.Cast<byte, Half>(chunk);
                            for (int z = za; z < zb; z++)
                                for (int y = ya; y < yb; y++)
                                    TensorPrimitives.ConvertToSingle(halves.Slice((xa - ox) + e.X * ((y - oy) + e.Y * (z - oz)), run),
                                        destination.Slice((int)((xa - x0) + (long)size.X * ((y - y0) + (long)size.Y * (z - z0))), run));
                        }
                    }
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
            if (referenced) handle.DangerousRelease();
        }
    }

    /// <summary>Decodes the whole volume (e.g. for inspection or when a crop would cover it anyway).</summary>
    public Volume ReadAll()
    {
        var voxels = new float[Shape.Count];
        ReadCrop(0, 0, 0, Shape, voxels);
        return new Volume(voxels, Shape, Spacing, Affine);
    }

    /// <summary>The decoded bytes of one chunk: straight from the map when uncompressed, else into <paramref name="scratch"/>.</summary>
    private ReadOnlySpan<byte> Chunk(int id, int rawBytes, byte[]? scratch, int chunkBytes)
    {
        var entry = _index[id];
        var stored = new ReadOnlySpan<byte>(_base + entry.Offset, (int)entry.Length);
        if (_verifyChunks && Volatile.Read(ref _verified[id]) == 0)
        {
            if (XxHash3.HashToUInt64(stored) != entry.Checksum)
                throw new CacheFormatException(FilePath, $"chunk {id} checksum mismatch (file is corrupt).");
            Volatile.Write(ref _verified[id], 1);
        }
        if (scratch is null) return stored;
        var raw = scratch.AsSpan(0, rawBytes);
        ChunkCompressor.Decompress(FilePath, id, _meta.Codec, stored, raw);
        if (!_meta.Shuffle) return raw;
        var plain = scratch.AsSpan(chunkBytes, rawBytes);
        ByteShuffle.Unshuffle(raw, _meta.BytesPerVoxel, plain);
        return plain;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
