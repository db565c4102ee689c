using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>
/// Reads NIfTI-1/NIfTI-2 files (.nii, .nii.gz, .hdr/.img pairs, gz too; either byte order) into a float32
/// <see cref="Volume"/>. Every problem with the file is a <see cref="NiftiFormatException"/> naming it.
/// </summary>
public static class NiftiReader
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads only the header (and finds where the data starts).</summary>
    public static NiftiHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string headerPath = NiftiPaths.HeaderFileFor(path);
        using var input = NiftiInput.OpenFile(headerPath, "file");
        return ReadHeader(input, isPair => NiftiPaths.DataFileFor(headerPath, isPair));
    }

    /// <summary>
    /// Reads 3-D volume <paramref name="volumeIndex"/> (0 = first; 4-D/5-D files hold several) as float32 after
    /// scl_slope/scl_inter, with spacing pixdim[1..3] and the affine of <see cref="NiftiAffine.Best"/>.
    /// </summary>
    public static NiftiImage Read(string path, int volumeIndex = 0) => Read(path, volumeIndex, null);

    /// <summary>
    /// <see cref="Read(string, int)"/>, adding the time spent reading/inflating to <see cref="PreprocessStage.Inflate"/>
    /// and converting to float32 (with scaling) to <see cref="PreprocessStage.Convert"/> of <paramref name="timings"/>.
    /// </summary>
    public static NiftiImage Read(string path, int volumeIndex, StageTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(path);
        long start = Stopwatch.GetTimestamp();
        string headerPath = NiftiPaths.HeaderFileFor(path);
        var input = NiftiInput.OpenFile(headerPath, "file");
        try
        {
            var header = ReadHeaderAndOpenData(headerPath, ref input);
            return ReadVolume(input, header, volumeIndex, timings, start);
        }
        finally
        {
            input.Dispose();
        }
    }

    /// <summary>Reads the header from <paramref name="input"/>; for an .hdr/.img pair, swaps <paramref name="input"/> for
    /// the image file (the caller disposes whichever is open).</summary>
    private static NiftiHeader ReadHeaderAndOpenData(string headerPath, ref NiftiInput input)
    {
        var header = ReadHeader(input, isPair => NiftiPaths.DataFileFor(headerPath, isPair));
        if (!header.IsPair) return header;
        input.Dispose();
        if (!File.Exists(header.DataPath))
            throw new NiftiFormatException(header.DataPath, $"missing image file for header {headerPath} (expected .img or .img.gz next to it)");
        input = NiftiInput.OpenFile(header.DataPath, "image file");
        return header;
    }

    /// <summary>
    /// Reads every volume of a file in one pass (one open, and for .gz one inflate, instead of one per volume): the same
    /// images as <see cref="Read(string, int)"/> for volume 0, 1, … (a 3-D file gives one).
    /// </summary>
    public static IReadOnlyList<NiftiImage> ReadAll(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string headerPath = NiftiPaths.HeaderFileFor(path);
        var input = NiftiInput.OpenFile(headerPath, "file");
        try
        {
            var header = ReadHeaderAndOpenData(headerPath, ref input);
            var images = new List<NiftiImage>();
            for (int v = 0; v < header.VolumeCount; v++) images.Add(ReadVolume(input, header, v, null, 0));
            return images;
        }
        finally
        {
            input.Dispose();
        }
    }

    /// <summary>Reads a single-file NIfTI (.nii or .nii.gz bytes) from a seekable stream; used by tests and in-memory callers.</summary>
    internal static NiftiImage ReadSingle(Stream seekable, string displayPath, int volumeIndex = 0)
    {
        using var input = NiftiInput.Open(seekable, displayPath);
        var header = ReadHeader(input, isPair => (displayPath + ".img", false));
        if (header.IsPair)
            throw new NiftiFormatException(displayPath, "header says .hdr/.img pair; in-memory reading needs a single file");
        return ReadVolume(input, header, volumeIndex, null, 0);
    }

    /// <summary>Reads the header and leaves <paramref name="input"/> where the data (or the pair's end of header) is.</summary>
    private static NiftiHeader ReadHeader(NiftiInput input, Func<bool, (string Path, bool Compressed)> dataPathFor)
    {
        Span<byte> raw = stackalloc byte[NiftiHeaderParser.Nifti2Size];
        input.ReadExactly(raw[..4], "header");
        var (size, big) = NiftiHeaderParser.DetectSize(raw[..4], input.Path);
        input.ReadExactly(raw[4..size], "header");
        var header = NiftiHeaderParser.Parse(raw[..size], input.Path, input.IsCompressed, dataPathFor);
        return header with { DataOffset = DataOffset(input, header, size, big) };
    }

    /// <summary>
    /// Pairs: vox_offset as is. Single files: vox_offset, raised to header+4 when smaller; 0 means "after the
    /// extensions" (nibabel's rule), so the extension chain is walked.
    /// </summary>
    private static long DataOffset(NiftiInput input, NiftiHeader header, int headerSize, bool big)
    {
        long voxOffset = (long)header.VoxOffset;
        if (header.IsPair) return voxOffset;
        long minimum = headerSize + 4;
        if (voxOffset >= minimum) return voxOffset;
        if (voxOffset > 0) return minimum;

        Span<byte> ext = stackalloc byte[8];
        if (input.Read(ext[..4]) < 4 || ext[0] == 0) return minimum;
        long pos = minimum;
        while (true)
        {
            int got = input.Read(ext);
            if (got < 8) { input.Unread(ext[..got]); return pos; }
            int esize = big ? BinaryPrimitives.ReadInt32BigEndian(ext) : BinaryPrimitives.ReadInt32LittleEndian(ext);
            if (esize < 16 || esize % 16 != 0 || esize - 8 > input.RemainingUpperBound)
            {
                input.Unread(ext);
                return pos;
            }
            input.Skip(esize - 8, "header extension");
            pos += esize;
        }
    }

    private static NiftiImage ReadVolume(NiftiInput input, NiftiHeader header, int volumeIndex, StageTimings? timings, long startTimestamp)
    {
        long voxels = SeekToVolume(input, header, volumeIndex);
        var shape = header.Shape;

        // Every element is overwritten by the decoder, so skip the zeroing of a fresh (often 100+ MB) array.
        var voxelsOut = VoxelArrays.Allocate(voxels);
        long convertTicks = Decode(input, header, voxelsOut);

        long t1 = Stopwatch.GetTimestamp();
        if (header.HasScaling)
            NiftiVoxelDecoder.Scale(voxelsOut, (float)header.SclSlope, (float)header.SclInter);
        if (timings is not null)
        {
            long t2 = Stopwatch.GetTimestamp();
            convertTicks += t2 - t1;
            timings.Add(PreprocessStage.Inflate, t2 - startTimestamp - convertTicks);
            timings.Add(PreprocessStage.Convert, convertTicks);
        }

        var (affine, source) = NiftiAffine.Best(header);
        return new NiftiImage(header, new Volume(voxelsOut, shape, header.Spacing, affine), source, volumeIndex);
    }

    /// <summary>
    /// Checks that volumes <paramref name="volumeIndex"/> to <paramref name="volumeIndex"/> + <paramref name="volumeCount"/> − 1
    /// fit in the file (before anything is allocated) and moves the input to the first one's first byte; returns their
    /// voxel count.
    /// </summary>
    private static long SeekToVolume(NiftiInput input, NiftiHeader header, int volumeIndex, int volumeCount = 1)
    {
        long volumes = header.VolumeCount;
        if (volumeIndex < 0 || volumeIndex >= volumes)
            throw new ArgumentOutOfRangeException(nameof(volumeIndex), volumeIndex, $"{header.HeaderPath} holds {volumes} volume(s)");
        if (volumeCount < 1 || volumeCount > volumes - volumeIndex)
            throw new ArgumentOutOfRangeException(nameof(volumeCount), volumeCount, $"{header.HeaderPath} holds {volumes} volume(s), from {volumeIndex} on {volumes - volumeIndex}");

        var shape = header.Shape;
        int size = header.BytesPerVoxel;
        long voxels = shape.Count * volumeCount;
        long volumeBytes = shape.Count * size;
        long start, end;
        try
        {
            start = checked(header.DataOffset + volumeIndex * volumeBytes);
            end = checked(start + volumeCount * volumeBytes);
        }
        catch (OverflowException)
        {
            throw new NiftiFormatException(input.Path, $"vox_offset {header.DataOffset} plus the data size overflows");
        }
        // Refuse before allocating anything: the file (or, for .gz, what its size can inflate to) must hold the data.
        long available = input.Position + input.RemainingUpperBound;
        if (end > available)
        {
            string what = input.IsCompressed
                ? $"{voxels} voxels × {size} bytes ending at offset {end} cannot fit in a {input.FileLength}-byte gzip file"
                : $"truncated data: {voxels} voxels × {size} bytes ending at offset {end}, but the file has {input.FileLength} bytes";
            throw new NiftiFormatException(input.Path, what);
        }
        if (start < input.Position)
            throw new NiftiFormatException(input.Path, $"vox_offset {header.DataOffset} points inside the header");
        input.Skip(start - input.Position, "data");
        return voxels;
    }

    /// <summary>
    /// Reads volume <paramref name="volumeIndex"/> as its raw elements (native byte order) into a pooled buffer, for the
    /// preprocessing to convert row by row as it reads them (a uint8 image stays a quarter of its float32 size, and the
    /// pooled buffer is reused by the next volume instead of faulting in fresh pages). The values it yields are
    /// bit-identical to <see cref="Read(string, int)"/>'s. Times reading/inflating as <see cref="PreprocessStage.Inflate"/>
    /// and the byte swap of big-endian files as <see cref="PreprocessStage.Convert"/>. Dispose the source to return the buffer.
    /// </summary>
    internal static (NiftiHeader Header, Affine Affine, VoxelSource Voxels) ReadRaw(string path, int volumeIndex, StageTimings? timings) =>
        ReadRaw(path, volumeIndex, 1, timings);

    /// <summary>
    /// <see cref="ReadRaw(string, int, StageTimings?)"/> for <paramref name="volumeCount"/> consecutive volumes from
    /// <paramref name="volumeIndex"/> on (null: every one left), in one pass, into one buffer (volume after volume, as on disk).
    /// </summary>
    internal static (NiftiHeader Header, Affine Affine, VoxelSource Voxels) ReadRaw(string path, int volumeIndex, int? volumeCount, StageTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(path);
        long t0 = Stopwatch.GetTimestamp();
        string headerPath = NiftiPaths.HeaderFileFor(path);
        var input = NiftiInput.OpenFile(headerPath, "file");
        byte[]? buffer = null;
        try
        {
            var header = ReadHeaderAndOpenData(headerPath, ref input);
            long voxels = SeekToVolume(input, header, volumeIndex, volumeCount ?? (int)Math.Clamp(header.VolumeCount - volumeIndex, 1, int.MaxValue));
            int size = header.BytesPerVoxel;
            long bytes = voxels * size;
            if (bytes > Array.MaxLength) throw new NiftiFormatException(input.Path, $"{bytes} bytes of voxels do not fit in one buffer");
            buffer = VoxelArrays.Rent<byte>((int)bytes);
            input.ReadExactly(buffer.AsSpan(0, (int)bytes), "data");
            long t1 = Stopwatch.GetTimestamp();
            if (header.IsBigEndian == BitConverter.IsLittleEndian) NiftiVoxelDecoder.SwapInPlace(buffer.AsSpan(0, (int)bytes), size);
            long t2 = Stopwatch.GetTimestamp();
            timings?.Add(PreprocessStage.Inflate, t1 - t0);
            timings?.Add(PreprocessStage.Convert, t2 - t1);
            var (affine, _) = NiftiAffine.Best(header);
            var source = VoxelSource.FromRaw(buffer, voxels, header.DataType, header.HasScaling, (float)header.SclSlope, (float)header.SclInter, pooled: true);
            buffer = null;
            return (header, affine, source);
        }
        finally
        {
            input.Dispose();
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>float32 goes straight into the target; other types through a pooled 1 MiB buffer, chunk by chunk.
    /// Returns the <see cref="Stopwatch"/> ticks spent converting (the rest is reading/inflating).</summary>
    private static long Decode(NiftiInput input, NiftiHeader header, float[] target)
    {
        bool swap = header.IsBigEndian != !BitConverter.IsLittleEndian;
        long convert = 0;
        if (header.DataType == NiftiDataType.Float32)
        {
            const int floatsPerRead = 1 << 28;
            for (long offset = 0; offset < target.LongLength; offset += floatsPerRead)
            {
                int count = (int)Math.Min(floatsPerRead, target.LongLength - offset);
                var dst = target.AsSpan((int)offset, count);
                input.ReadExactly(MemoryMarshal.AsBytes(dst), "data");
                if (swap)
                {
                    long t = Stopwatch.GetTimestamp();
                    NiftiVoxelDecoder.SwapInPlace(dst);
                    convert += Stopwatch.GetTimestamp() - t;
                }
            }
            return convert;
        }

        int size = header.BytesPerVoxel;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int perChunk = ChunkBytes / size;
            for (long done = 0; done < target.LongLength; done += perChunk)
            {
                int count = (int)Math.Min(perChunk, target.LongLength - done);
                var raw = buffer.AsSpan(0, count * size);
                input.ReadExactly(raw, "data");
                long t = Stopwatch.GetTimestamp();
                NiftiVoxelDecoder.Decode(raw, target.AsSpan((int)done, count), header.DataType, swap);
                convert += Stopwatch.GetTimestamp() - t;
            }
            return convert;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
