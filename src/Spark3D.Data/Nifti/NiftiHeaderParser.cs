using System.Buffers.Binary;
using System.Text;

namespace Spark3D.Data.Nifti;

/// <summary>
/// Turns the raw 348-byte (NIfTI-1) or 540-byte (NIfTI-2) header into a <see cref="NiftiHeader"/> and checks
/// every field the reader relies on, so decoding never meets a value it cannot handle.
/// </summary>
internal static class NiftiHeaderParser
{
    public const int Nifti1Size = 348;
    public const int Nifti2Size = 540;

    /// <summary>Largest voxel count of one 3-D volume (a float[] must hold it).</summary>
    public static readonly long MaxVoxelsPerVolume = Array.MaxLength;

    /// <summary>
    /// From the first 4 bytes (sizeof_hdr): header size and byte order. Throws for anything but 348/540 in either order.
    /// </summary>
    public static (int Size, bool BigEndian) DetectSize(ReadOnlySpan<byte> first4, string path)
    {
        int le = BinaryPrimitives.ReadInt32LittleEndian(first4);
        int be = BinaryPrimitives.ReadInt32BigEndian(first4);
        if (le == Nifti1Size) return (Nifti1Size, false);
        if (le == Nifti2Size) return (Nifti2Size, false);
        if (be == Nifti1Size) return (Nifti1Size, true);
        if (be == Nifti2Size) return (Nifti2Size, true);
        throw new NiftiFormatException(path, $"wrong sizeof_hdr {le} (expected 348 for NIfTI-1 or 540 for NIfTI-2): not a NIfTI file");
    }

    /// <summary>Parses and validates a full header. <paramref name="dataPathFor"/> maps "is pair" to the data file.</summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> h, string path, bool headerCompressed, Func<bool, (string Path, bool Compressed)> dataPathFor)
    {
        var (size, big) = DetectSize(h, path);
        if (h.Length < size) throw new NiftiFormatException(path, $"truncated header ({h.Length} of {size} bytes)");
        var r = new FieldReader(h, big);
        return size == Nifti1Size ? ParseV1(r, h, path, big, headerCompressed, dataPathFor) : ParseV2(r, h, path, big, headerCompressed, dataPathFor);
    }

    private static NiftiHeader ParseV1(FieldReader r, ReadOnlySpan<byte> h, string path, bool big, bool gz, Func<bool, (string, bool)> dataPathFor)
    {
        bool pair = Magic(h.Slice(344, 4), '1', path);
        var dims = new long[8];
        var pixdim = new double[8];
        for (int i = 0; i < 8; i++)
        {
            dims[i] = r.I16(40 + 2 * i);
            pixdim[i] = r.F32(76 + 4 * i);
        }
        var srow = new double[12];
        for (int i = 0; i < 12; i++) srow[i] = r.F32(280 + 4 * i);
        var (dataPath, dataGz) = dataPathFor(pair);
        var header = new NiftiHeader
        {
            Version = 1,
            Dims = dims,
            DataType = (NiftiDataType)r.I16(70),
            Bitpix = r.I16(72),
            Pixdim = pixdim,
            VoxOffset = r.F32(108),
            DataOffset = 0,
            SclSlope = r.F32(112),
            SclInter = r.F32(116),
            QformCode = r.I16(252),
            SformCode = r.I16(254),
            Quatern = [r.F32(256), r.F32(260), r.F32(264)],
            QOffset = [r.F32(268), r.F32(272), r.F32(276)],
            Srow = srow,
            Descrip = Text(h.Slice(148, 80)),
            IntentCode = r.I16(68),
            IntentName = Text(h.Slice(328, 16)),
            IntentParams = [r.F32(56), r.F32(60), r.F32(64)],
            XyztUnits = h[123],
            IsBigEndian = big,
            HeaderPath = path,
            DataPath = dataPath,
            IsPair = pair,
            IsDataCompressed = pair ? dataGz : gz,
        };
        Validate(header);
        return header;
    }

    private static NiftiHeader ParseV2(FieldReader r, ReadOnlySpan<byte> h, string path, bool big, bool gz, Func<bool, (string, bool)> dataPathFor)
    {
        bool pair = Magic(h.Slice(4, 4), '2', path);
        var dims = new long[8];
        var pixdim = new double[8];
        for (int i = 0; i < 8; i++)
        {
            dims[i] = r.I64(16 + 8 * i);
            pixdim[i] = r.F64(104 + 8 * i);
        }
        var srow = new double[12];
        for (int i = 0; i < 12; i++) srow[i] = r.F64(400 + 8 * i);
        var (dataPath, dataGz) = dataPathFor(pair);
        var header = new NiftiHeader
        {
            Version = 2,
            Dims = dims,
            DataType = (NiftiDataType)r.I16(12),
            Bitpix = r.I16(14),
            Pixdim = pixdim,
            VoxOffset = r.I64(168),
            DataOffset = 0,
            SclSlope = r.F64(176),
            SclInter = r.F64(184),
            QformCode = r.I32(344),
            SformCode = r.I32(348),
            Quatern = [r.F64(352), r.F64(360), r.F64(368)],
            QOffset = [r.F64(376), r.F64(384), r.F64(392)],
            Srow = srow,
            Descrip = Text(h.Slice(240, 80)),
            IntentCode = r.I32(504),
            IntentName = Text(h.Slice(508, 16)),
            IntentParams = [r.F64(80), r.F64(88), r.F64(96)],
            XyztUnits = r.I32(500),
            IsBigEndian = big,
            HeaderPath = path,
            DataPath = dataPath,
            IsPair = pair,
            IsDataCompressed = pair ? dataGz : gz,
        };
        Validate(header);
        return header;
    }

    /// <summary>"n+V\0" = single file, "niV\0" = header/image pair; anything else is rejected.</summary>
    private static bool Magic(ReadOnlySpan<byte> m, char version, string path)
    {
        if (m[0] == 'n' && m[2] == version && m[3] == 0)
        {
            if (m[1] == '+') return false;
            if (m[1] == 'i') return true;
        }
        throw new NiftiFormatException(path, $"wrong magic \"{Printable(m)}\" (expected \"n+{version}\" or \"ni{version}\"; ANALYZE 7.5 is not supported)");
    }

    private static void Validate(NiftiHeader h)
    {
        string path = h.HeaderPath;
        long ndim = h.Dims[0];
        if (ndim is < 1 or > 7) throw new NiftiFormatException(path, $"dim[0] = {ndim}: the number of dimensions must be 1..7");
        for (int i = 1; i <= ndim; i++)
            if (h.Dims[i] <= 0) throw new NiftiFormatException(path, $"dim[{i}] = {h.Dims[i]}: dimensions must be positive");
        for (int i = 1; i <= Math.Min(3, ndim); i++)
            if (h.Dims[i] > int.MaxValue) throw new NiftiFormatException(path, $"dim[{i}] = {h.Dims[i]} is too large");

        long perVolume;
        try
        {
            perVolume = checked(h.Dims[1] * (ndim >= 2 ? h.Dims[2] : 1) * (ndim >= 3 ? h.Dims[3] : 1));
            long volumes = 1;
            for (int i = 4; i <= ndim; i++) volumes = checked(volumes * h.Dims[i]);
            _ = checked(perVolume * volumes * 8);
        }
        catch (OverflowException)
        {
            throw new NiftiFormatException(path, $"voxel count overflows ({DimText(h)})");
        }
        if (perVolume > MaxVoxelsPerVolume)
            throw new NiftiFormatException(path, $"one volume has {perVolume} voxels ({DimText(h)}), more than a float[] can hold");

        int size = NiftiDataTypes.SupportedSize(h.DataType);
        if (size == 0)
            throw new NiftiFormatException(path, $"unsupported datatype {NiftiDataTypes.Name(h.DataType)} ({(short)h.DataType}); supported: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64");

        var spacing = h.Spacing;
        for (int axis = 0; axis < 3; axis++)
        {
            double s = spacing[axis];
            if (!double.IsFinite(s) || s <= 0)
                throw new NiftiFormatException(path, $"pixdim[{axis + 1}] = {s}: spacing must be positive and finite");
        }

        if (!double.IsFinite(h.VoxOffset) || h.VoxOffset < 0 || h.VoxOffset > long.MaxValue / 2)
            throw new NiftiFormatException(path, $"vox_offset = {h.VoxOffset} is not a valid byte offset");

        if (h.SclSlope != 0 && double.IsFinite(h.SclSlope) && !double.IsFinite(h.SclInter))
            throw new NiftiFormatException(path, $"valid scl_slope {h.SclSlope} but invalid scl_inter {h.SclInter}");
    }

    private static string DimText(NiftiHeader h) => "dim = [" + string.Join(", ", h.Dims) + "]";

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        if (end >= 0) bytes = bytes[..end];
        return Encoding.Latin1.GetString(bytes).Trim();
    }

    private static string Printable(ReadOnlySpan<byte> m)
    {
        var sb = new StringBuilder();
        foreach (byte b in m) sb.Append(b is >= 32 and < 127 ? (char)b : $"\\x{b:x2}");
        return sb.ToString();
    }

    /// <summary>Reads fixed-offset fields in the file's byte order.</summary>
    private readonly ref struct FieldReader(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _b = bytes;

        public short I16(int o) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(_b[o..]) : BinaryPrimitives.ReadInt16LittleEndian(_b[o..]);
        public int I32(int o) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(_b[o..]) : BinaryPrimitives.ReadInt32LittleEndian(_b[o..]);
        public long I64(int o) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(_b[o..]) : BinaryPrimitives.ReadInt64LittleEndian(_b[o..]);
        public double F32(int o) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(_b[o..]) : BinaryPrimitives.ReadSingleLittleEndian(_b[o..]);
        public double F64(int o) => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(_b[o..]) : BinaryPrimitives.ReadDoubleLittleEndian(_b[o..]);
    }
}
