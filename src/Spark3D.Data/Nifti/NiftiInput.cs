using System.IO.Compression;

namespace Spark3D.Data.Nifti;

/// <summary>
/// A forward-only byte source over a NIfTI file, gzip or not (sniffed from the 1F 8B magic, not the extension).
/// Every short read becomes a <see cref="NiftiFormatException"/> naming the file, and it knows an upper bound for
/// how many bytes the file can still deliver, so the reader can refuse impossible voxel counts before allocating.
/// </summary>
internal sealed class NiftiInput : IDisposable
{
    /// <summary>Deflate cannot expand data by more than about 1032:1; used to bound what a .gz can hold.</summary>
    public const long MaxDeflateRatio = 1032;

    /// <summary>Compressed files up to this size are read into memory in one go before inflating.</summary>
    private const long MaxInMemoryCompressed = 256L << 20;

    private readonly Stream _file;
    private readonly Stream _stream;
    private byte[]? _pooled;
    private byte[] _pushback = [];
    private int _pushbackStart;

    private NiftiInput(Stream file, Stream stream, long fileLength, bool compressed, string path, byte[]? pooled = null)
    {
        _pooled = pooled;
        _file = file;
        _stream = stream;
        FileLength = fileLength;
        IsCompressed = compressed;
        Path = path;
    }

    public string Path { get; }

    public bool IsCompressed { get; }

    /// <summary>Bytes on disk.</summary>
    public long FileLength { get; }

    /// <summary>Bytes consumed so far (after decompression).</summary>
    public long Position { get; private set; }

    /// <summary>An upper bound on the bytes still readable: exact for plain files, a deflate-ratio bound for .gz.</summary>
    public long RemainingUpperBound =>
        IsCompressed ? FileLength * MaxDeflateRatio + 4096 - Position : FileLength - Position;

    /// <summary>Opens a file on disk. A missing file is a <see cref="NiftiFormatException"/>.</summary>
    public static NiftiInput OpenFile(string path, string what)
    {
        FileStream fs;
        try
        {
            // A one-page buffer: the header and extension reads come from it; voxel reads are large and bypass it (a 64 KiB
            // buffer cost a 64 KiB allocation and copy per open, more than a small file's whole decode).
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NiftiFormatException(path, $"{what} not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NiftiFormatException(path, $"cannot open {what}: {e.Message}", e);
        }
        return Open(fs, path);
    }

    /// <summary>Wraps a seekable stream positioned at 0 (owned from now on).</summary>
    public static NiftiInput Open(Stream seekable, string path)
    {
        try
        {
            long length = seekable.Length;
            if (length == 0) throw new NiftiFormatException(path, "empty file (0 bytes)");
            Span<byte> magic = stackalloc byte[2];
            int n = seekable.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            seekable.Position = 0;
            bool gz = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            if (!gz) return new NiftiInput(seekable, seekable, length, false, path);
            // Inflate from memory: one read of the (small) compressed file instead of many 8 KiB refills, into a pooled
            // buffer (returned on dispose) so consecutive files reuse the same pages.
            Stream source = seekable;
            byte[]? pooled = null;
            if (length <= MaxInMemoryCompressed && seekable is not MemoryStream)
            {
                pooled = System.Buffers.ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    seekable.ReadExactly(pooled.AsSpan(0, (int)length));
                }
                catch
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(pooled);
                    throw;
                }
                seekable.Dispose();
                source = new MemoryStream(pooled, 0, (int)length, writable: false);
            }
            return new NiftiInput(source, new GZipStream(source, CompressionMode.Decompress, leaveOpen: false), length, true, path, pooled);
        }
        catch
        {
            seekable.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> or throws "truncated {what}".</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        int got = Read(buffer);
        if (got < buffer.Length)
            throw new NiftiFormatException(Path, $"truncated {what}: needed {buffer.Length} bytes at offset {Position - got}, file ended after {got}");
    }

    /// <summary>Reads as much as is available up to buffer.Length (fewer only at end of file).</summary>
    public int Read(Span<byte> buffer)
    {
        int total = 0;
        if (_pushbackStart < _pushback.Length)
        {
            int k = Math.Min(buffer.Length, _pushback.Length - _pushbackStart);
            _pushback.AsSpan(_pushbackStart, k).CopyTo(buffer);
            _pushbackStart += k;
            total = k;
        }
        try
        {
            while (total < buffer.Length)
            {
                int n = _stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new NiftiFormatException(Path, $"corrupt gzip stream at decompressed offset {Position + total}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new NiftiFormatException(Path, $"I/O error at offset {Position + total}: {e.Message}", e);
        }
        Position += total;
        return total;
    }

    /// <summary>Gives bytes back so the next read returns them first (used after peeking at an extension header).</summary>
    public void Unread(ReadOnlySpan<byte> bytes)
    {
        var rest = _pushback.AsSpan(_pushbackStart);
        var merged = new byte[bytes.Length + rest.Length];
        bytes.CopyTo(merged);
        rest.CopyTo(merged.AsSpan(bytes.Length));
        _pushback = merged;
        _pushbackStart = 0;
        Position -= bytes.Length;
    }

    /// <summary>Moves forward by <paramref name="count"/> bytes (seek for plain files, read-and-drop for .gz).</summary>
    public void Skip(long count, string what)
    {
        if (count <= 0) return;
        if (count > RemainingUpperBound)
            throw new NiftiFormatException(Path, $"truncated {what}: offset {Position + count} is past the end of the file ({FileLength} bytes on disk)");
        if (!IsCompressed && _pushbackStart >= _pushback.Length)
        {
            _file.Position = Position + count;
            Position += count;
            return;
        }
        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 1 << 20));
        try
        {
            while (count > 0)
            {
                int want = (int)Math.Min(count, scratch.Length);
                ReadExactly(scratch.AsSpan(0, want), what);
                count -= want;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
        var pooled = Interlocked.Exchange(ref _pooled, null);
        if (pooled is not null) System.Buffers.ArrayPool<byte>.Shared.Return(pooled);
    }
}
