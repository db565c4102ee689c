using System.Buffers.Binary;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>Small NIfTI files for tests: a valid one from our writer, and helpers to patch header fields.</summary>
internal static class NiftiTestFiles
{
    /// <summary>A 5×4×3 volume with a rotated, flipped, translated affine and distinct values.</summary>
    public static Volume SmallVolume(int seed = 1)
    {
        var rng = new Random(seed);
        var shape = new Shape3(5, 4, 3);
        var voxels = new float[shape.Count];
        for (int i = 0; i < voxels.Length; i++) voxels[i] = (float)(rng.NextDouble() * 200 - 50);
        double c = Math.Cos(0.3), s = Math.Sin(0.3);
        var affine = new Affine([-1.2 * c, -2.0 * s, 0, 10.5, 1.2 * s, -2.0 * c, 0, -7.25, 0, 0, 3.0, 42, 0, 0, 0, 1]);
        return new Volume(voxels, shape, new Spacing3(1.2, 2.0, 3.0), affine);
    }

    /// <summary>The bytes of <see cref="SmallVolume"/> written as a float32 .nii.</summary>
    public static byte[] SmallNiiBytes(string dir, NiftiDataType type = NiftiDataType.Float32)
    {
        string path = Path.Combine(dir, $"small-{Guid.NewGuid():N}.nii");
        NiftiWriter.Write(path, SmallVolume(), type);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    public static void SetI16(byte[] b, int offset, short v) => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(offset), v);
    public static void SetI32(byte[] b, int offset, int v) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(offset), v);
    public static void SetF32(byte[] b, int offset, float v) => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(offset), v);

    /// <summary>NIfTI-1 field offsets.</summary>
    public static class V1
    {
        public const int Dim = 40, Datatype = 70, Bitpix = 72, Pixdim = 76, VoxOffset = 108, SclSlope = 112, SclInter = 116, Magic = 344;
    }
}
