namespace Spark3D.Data.Nifti;

/// <summary>NIfTI <c>datatype</c> codes (nifti1.h). The reader supports the integer and float ones; see <see cref="NiftiDataTypes"/>.</summary>
public enum NiftiDataType : short
{
    Unknown = 0,
    Binary = 1,
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Complex64 = 32,
    Float64 = 64,
    Rgb24 = 128,
    Int8 = 256,
    UInt16 = 512,
    UInt32 = 768,
    Int64 = 1024,
    UInt64 = 1280,
    Float128 = 1536,
    Complex128 = 1792,
    Complex256 = 2048,
    Rgba32 = 2304,
}

/// <summary>Facts about <see cref="NiftiDataType"/> values.</summary>
public static class NiftiDataTypes
{
    /// <summary>Bytes per voxel of a type the reader can decode, or 0 when it cannot.</summary>
    public static int SupportedSize(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Int64 or NiftiDataType.UInt64 or NiftiDataType.Float64 => 8,
        _ => 0,
    };

    /// <summary>True for the types <see cref="NiftiWriter"/> can write.</summary>
    public static bool IsWritable(NiftiDataType type) =>
        type is NiftiDataType.Float32 or NiftiDataType.Int16 or NiftiDataType.UInt8;

    /// <summary>Lower-case name used in `spark3d info` (e.g. "int16"), or "code N" for unknown codes.</summary>
    public static string Name(NiftiDataType type) =>
        Enum.IsDefined(type) ? type.ToString().ToLowerInvariant() : $"code {(short)type}";
}
