using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>
/// Writes a <see cref="Volume"/> as a little-endian NIfTI-1 single file: <c>.nii</c>, or gzip when the name ends in
/// <c>.gz</c>. The sform is the volume's affine (sform_code 1); the qform (qform_code 1) is the nearest proper
/// rotation with qfac, pixdim[1..3] the affine's column norms. int16/uint8 get scl_slope/scl_inter when the values
/// are not integers in range.
/// </summary>
public static class NiftiWriter
{
    private const int HeaderSize = 348;
    private const int DataOffset = 352;
    private const int ChunkVoxels = 1 << 18;

    /// <summary>Writes <paramref name="volume"/> to <paramref name="path"/> (via a temp file, then rename).</summary>
    public static void Write(string path, Volume volume, NiftiDataType dataType = NiftiDataType.Float32)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(volume);
        if (!NiftiDataTypes.IsWritable(dataType))
            throw new ArgumentException($"NiftiWriter writes float32, int16 or uint8, not {NiftiDataTypes.Name(dataType)}", nameof(dataType));

        var (slope, inter) = NiftiIntegerScaling.Choose(volume.Voxels, dataType);
        var header = BuildHeader(volume, dataType, slope, inter);
        string temp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
                using Stream output = gz ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true) : file;
                output.Write(header);
                WriteVoxels(output, volume.Voxels, dataType, slope, inter);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static byte[] BuildHeader(Volume volume, NiftiDataType type, double slope, double inter)
    {
        var h = new byte[DataOffset];
        var s = h.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s, HeaderSize);
        h[38] = (byte)'r'; // "regular", as nibabel writes it
        short[] dim = [3, (short)volume.Shape.X, (short)volume.Shape.Y, (short)volume.Shape.Z, 1, 1, 1, 1];
        if (volume.Shape.X > short.MaxValue || volume.Shape.Y > short.MaxValue || volume.Shape.Z > short.MaxValue)
            throw new ArgumentException($"NIfTI-1 cannot hold shape {volume.Shape} (dims up to 32767)", nameof(volume));
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteInt16LittleEndian(s[(40 + 2 * i)..], dim[i]);
        BinaryPrimitives.WriteInt16LittleEndian(s[70..], (short)type);
        BinaryPrimitives.WriteInt16LittleEndian(s[72..], (short)(NiftiDataTypes.SupportedSize(type) * 8));

        var affine = volume.Affine;
        var (pix, qfac, bcd, offset) = NiftiQuaternion.FromAffine(affine);
        float[] pixdim = [(float)qfac, (float)pix[0], (float)pix[1], (float)pix[2], 1, 1, 1, 1];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(76 + 4 * i)..], pixdim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(s[108..], DataOffset);
        BinaryPrimitives.WriteSingleLittleEndian(s[112..], (float)slope);
        BinaryPrimitives.WriteSingleLittleEndian(s[116..], (float)inter);
        h[123] = 2; // xyzt_units: millimetres
        Encoding.ASCII.GetBytes("Spark3D.NET").CopyTo(s[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(s[252..], 1); // qform_code: scanner
        BinaryPrimitives.WriteInt16LittleEndian(s[254..], 1); // sform_code: scanner
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[(256 + 4 * i)..], (float)bcd[i]);
            BinaryPrimitives.WriteSingleLittleEndian(s[(268 + 4 * i)..], (float)offset[i]);
        }
        for (int row = 0; row < 3; row++)
            for (int col = 0; col < 4; col++)
                BinaryPrimitives.WriteSingleLittleEndian(s[(280 + 16 * row + 4 * col)..], (float)affine[row, col]);
        "n+1\0"u8.CopyTo(s[344..]);
        return h; // bytes 348..351 stay 0: no extensions
    }

    private static void WriteVoxels(Stream output, float[] voxels, NiftiDataType type, double slope, double inter)
    {
        if (type == NiftiDataType.Float32 && BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(voxels.AsSpan()));
            return;
        }
        int size = NiftiDataTypes.SupportedSize(type);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkVoxels * size);
        try
        {
            for (int done = 0; done < voxels.Length; done += ChunkVoxels)
            {
                int count = Math.Min(ChunkVoxels, voxels.Length - done);
                var src = voxels.AsSpan(done, count);
                var raw = buffer.AsSpan(0, count * size);
                NiftiIntegerScaling.Encode(src, raw, type, slope, inter);
                output.Write(raw);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
