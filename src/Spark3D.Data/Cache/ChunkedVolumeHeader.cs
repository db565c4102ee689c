using System.Buffers.Binary;
using System.IO.Hashing;

namespace Spark3D.Data.Cache;

/// <summary>
/// The fixed 64-byte binary header and the 24-byte chunk index entries (docs/cache-format.md). All little-endian.
/// </summary>
internal static class ChunkedVolumeHeader
{
    public const int Size = 64;
    public const int IndexEntrySize = 24;
    public const ushort Version = 1;
    public static ReadOnlySpan<byte> Magic => "S3DCHUNK"u8;

    /// <summary>Offsets into the header.</summary>
    private const int VersionAt = 8, HeaderSizeAt = 10, FlagsAt = 12, MetaOffsetAt = 16, MetaLengthAt = 24,
        IndexOffsetAt = 32, ChunkCountAt = 40, FileLengthAt = 48, ChecksumAt = 56;

    public readonly record struct Fields(long MetadataOffset, long MetadataLength, long IndexOffset, long ChunkCount, long FileLength);

    public readonly record struct IndexEntry(long Offset, long Length, ulong Checksum);

    /// <summary>Writes the header; its checksum covers header bytes [0, 56) + metadata + index.</summary>
    public static void Write(Span<byte> header, Fields f, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> index)
    {
        header[..Size].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionAt..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[HeaderSizeAt..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[FlagsAt..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[MetaOffsetAt..], f.MetadataOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[MetaLengthAt..], f.MetadataLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[IndexOffsetAt..], f.IndexOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[ChunkCountAt..], f.ChunkCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[FileLengthAt..], f.FileLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[ChecksumAt..], Checksum(header, metadata, index));
    }

    /// <summary>Parses and checks the header against the real file length; throws <see cref="CacheFormatException"/>.</summary>
    public static Fields Read(string path, ReadOnlySpan<byte> header, long actualLength)
    {
        if (actualLength < Size) throw new CacheFormatException(path, $"truncated: {actualLength} bytes, the header alone needs {Size}.");
        if (!header[..8].SequenceEqual(Magic)) throw new CacheFormatException(path, "not a Spark3D chunked volume (bad magic).");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[VersionAt..]);
        if (version != Version) throw new CacheFormatException(path, $"unsupported format version {version} (this build reads {Version}).");
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[HeaderSizeAt..]) != Size) throw new CacheFormatException(path, "bad header size.");
        var f = new Fields(
            BinaryPrimitives.ReadInt64LittleEndian(header[MetaOffsetAt..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[MetaLengthAt..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[IndexOffsetAt..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[ChunkCountAt..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[FileLengthAt..]));
        if (f.FileLength != actualLength)
            throw new CacheFormatException(path, f.FileLength > actualLength
                ? $"truncated: {actualLength} bytes on disk, header says {f.FileLength}."
                : $"{actualLength} bytes on disk, header says {f.FileLength} (trailing garbage).");
        if (f.MetadataOffset != Size || f.MetadataLength is <= 0 or > 16 << 20 || f.ChunkCount is <= 0 or > 1 << 24
            || f.IndexOffset != f.MetadataOffset + f.MetadataLength || f.IndexOffset + f.ChunkCount * IndexEntrySize > actualLength)
            throw new CacheFormatException(path, "inconsistent header (metadata/index ranges do not fit the file).");
        return f;
    }

    public static ulong ReadChecksum(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64LittleEndian(header[ChecksumAt..]);

    public static ulong Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> index)
    {
        var h = new XxHash3();
        h.Append(header[..ChecksumAt]);
        h.Append(metadata);
        h.Append(index);
        return h.GetCurrentHashAsUInt64();
    }

    public static void WriteEntry(Span<byte> index, int id, IndexEntry e)
    {
        var s = index.Slice(id * IndexEntrySize, IndexEntrySize);
        BinaryPrimitives.WriteInt64LittleEndian(s, e.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], e.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], e.Checksum);
    }

    public static IndexEntry ReadEntry(ReadOnlySpan<byte> index, int id)
    {
        var s = index.Slice(id * IndexEntrySize, IndexEntrySize);
        return new IndexEntry(BinaryPrimitives.ReadInt64LittleEndian(s), BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s[16..]));
    }
}
