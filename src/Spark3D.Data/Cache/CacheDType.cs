namespace Spark3D.Data.Cache;

/// <summary>Voxel type stored on disk; crops are always returned as float32.</summary>
public enum CacheDType
{
    /// <summary>IEEE 754 binary32, little-endian: exact.</summary>
    Float32 = 0,

    /// <summary>IEEE 754 binary16: half the bytes, ~3 significant digits, |v| ≤ 65504 (plenty for z-scored intensities).</summary>
    Float16 = 1,
}
