using System.Buffers;
using Spark3D.Data.Nifti;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// The voxels a preprocessing run reads, as float32 rows: either a float array (a <see cref="Volumes.Volume"/>), or the
/// raw on-disk elements of a NIfTI file (native byte order) converted row by row with the reader's own conversion and
/// scaling (<see cref="NiftiVoxelDecoder"/>), so the values are bit-identical to those of <see cref="NiftiReader.Read(string, int)"/>
/// without ever holding the whole image as float32 (a uint8 image stays a quarter of that size). Owns a pooled raw buffer
/// when it came from <see cref="FromRaw"/>; <see cref="Dispose"/> returns it.
/// </summary>
internal sealed class VoxelSource : IDisposable
{
    private readonly float[]? _floats;
    private byte[]? _raw;
    private readonly NiftiDataType _type;
    private readonly int _size;
    private readonly bool _scale;
    private readonly float _slope, _inter;
    private readonly bool _pooled;

    private VoxelSource(float[]? floats, byte[]? raw, long count, NiftiDataType type, bool scale, float slope, float inter, bool pooled)
    {
        _floats = floats;
        _raw = raw;
        Count = count;
        _type = type;
        _size = raw is null ? 4 : NiftiDataTypes.SupportedSize(type);
        _scale = scale;
        _slope = slope;
        _inter = inter;
        _pooled = pooled;
    }

    /// <summary>Number of voxels.</summary>
    public long Count { get; }

    /// <summary>A float array, read in place.</summary>
    public static VoxelSource Of(float[] voxels) => new(voxels, null, voxels.LongLength, NiftiDataType.Float32, false, 1, 0, false);

    /// <summary>
    /// Raw elements of <paramref name="type"/> in native byte order (the first <paramref name="count"/> of
    /// <paramref name="raw"/>), converted as the reader converts them, then value = slope · raw + inter when
    /// <paramref name="scale"/>. A <paramref name="pooled"/> buffer goes back to <see cref="ArrayPool{T}.Shared"/> on dispose.
    /// </summary>
    public static VoxelSource FromRaw(byte[] raw, long count, NiftiDataType type, bool scale, float slope, float inter, bool pooled)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (count * NiftiDataTypes.SupportedSize(type) > raw.LongLength) throw new ArgumentException("raw buffer too small", nameof(raw));
        return new VoxelSource(null, raw, count, type, scale, slope, inter, pooled);
    }

    /// <summary>
    /// <paramref name="count"/> voxels from index <paramref name="start"/> on, walking forwards, or backwards from
    /// <paramref name="start"/> when <paramref name="reverse"/> (the row of an x-flipped reorientation). A float array
    /// read forwards comes back in place; anything else is converted into <paramref name="scratch"/> (≥ count floats).
    /// </summary>
    public ReadOnlySpan<float> Row(long start, int count, bool reverse, Span<float> scratch)
    {
        long first = reverse ? start - count + 1 : start;
        ReadOnlySpan<float> row;
        if (_floats is not null)
        {
            row = _floats.AsSpan(checked((int)first), count);
            if (!reverse) return row;
            row.CopyTo(scratch);
        }
        else
        {
            var dst = scratch[..count];
            Convert(first, dst);
        }
        if (reverse) scratch[..count].Reverse();
        return scratch[..count];
    }

    /// <summary>
    /// Every voxel as float32 into <paramref name="destination"/> (≥ <see cref="Count"/>), converted row by row
    /// (<paramref name="rowLength"/> voxels, the image's x extent) as the preprocessing's reorientation reads them.
    /// </summary>
    public void CopyTo(Span<float> destination, int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        if (destination.Length < Count) throw new ArgumentException($"needs {Count} floats, has {destination.Length}", nameof(destination));
        for (long start = 0; start < Count; start += rowLength)
        {
            int n = (int)Math.Min(rowLength, Count - start);
            var target = destination.Slice((int)start, n);
            var row = Row(start, n, reverse: false, target);
            if (!row.Overlaps(target)) row.CopyTo(target); // a float array's row comes back in place
        }
    }

    /// <summary>dst[i] = voxel (start + i · step): the rows of a reorientation that moves the x axis.</summary>
    public void Strided(long start, long step, Span<float> dst)
    {
        if (_floats is not null)
        {
            for (int i = 0; i < dst.Length; i++, start += step) dst[i] = _floats[start];
            return;
        }
        // Gather the raw elements, then convert them in one vectorised call.
        var raw = _raw ?? throw new ObjectDisposedException(nameof(VoxelSource));
        int size = _size;
        byte[] packed = ArrayPool<byte>.Shared.Rent(dst.Length * size);
        try
        {
            for (int i = 0; i < dst.Length; i++, start += step)
                raw.AsSpan(checked((int)(start * size)), size).CopyTo(packed.AsSpan(i * size, size));
            NiftiVoxelDecoder.Decode(packed.AsSpan(0, dst.Length * size), dst, _type, swap: false);
            if (_scale) NiftiVoxelDecoder.Scale(dst, _slope, _inter);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    private void Convert(long first, Span<float> dst)
    {
        var raw = _raw ?? throw new ObjectDisposedException(nameof(VoxelSource));
        var bytes = raw.AsSpan(checked((int)(first * _size)), dst.Length * _size);
        NiftiVoxelDecoder.Decode(bytes, dst, _type, swap: false);
        if (_scale) NiftiVoxelDecoder.Scale(dst, _slope, _inter);
    }

    public void Dispose()
    {
        var raw = Interlocked.Exchange(ref _raw, null);
        if (raw is not null && _pooled) ArrayPool<byte>.Shared.Return(raw);
    }
}
