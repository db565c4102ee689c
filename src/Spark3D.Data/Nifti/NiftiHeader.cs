using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>
/// The fields of a NIfTI-1 or NIfTI-2 header that matter for reading, widened to long/double and already
/// byte-swapped to native order. <see cref="Dims"/> and <see cref="Pixdim"/> hold all 8 entries as on disk.
/// </summary>
public sealed record NiftiHeader
{
    /// <summary>1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540 bytes).</summary>
    public required int Version { get; init; }

    /// <summary>dim[0..7]: dim[0] is the number of dimensions, dim[1..dim[0]] the sizes.</summary>
    public required IReadOnlyList<long> Dims { get; init; }

    public required NiftiDataType DataType { get; init; }

    public required int Bitpix { get; init; }

    /// <summary>pixdim[0..7]: pixdim[0] is qfac, pixdim[1..3] the voxel size, pixdim[4] the time step.</summary>
    public required IReadOnlyList<double> Pixdim { get; init; }

    /// <summary>vox_offset as written in the header (0 in a single file means "right after the extensions").</summary>
    public required double VoxOffset { get; init; }

    /// <summary>Byte offset where the voxel data starts in <see cref="DataPath"/> (after decompression).</summary>
    public required long DataOffset { get; init; }

    public required double SclSlope { get; init; }
    public required double SclInter { get; init; }

    public required int QformCode { get; init; }
    public required int SformCode { get; init; }

    /// <summary>quatern_b, quatern_c, quatern_d.</summary>
    public required IReadOnlyList<double> Quatern { get; init; }

    /// <summary>qoffset_x, qoffset_y, qoffset_z.</summary>
    public required IReadOnlyList<double> QOffset { get; init; }

    /// <summary>srow_x, srow_y, srow_z, 4 values each (12 values, row-major).</summary>
    public required IReadOnlyList<double> Srow { get; init; }

    public required string Descrip { get; init; }
    public required int IntentCode { get; init; }
    public required string IntentName { get; init; }

    /// <summary>intent_p1..p3.</summary>
    public required IReadOnlyList<double> IntentParams { get; init; }

    /// <summary>xyzt_units: bits 0-2 space (2 = mm), bits 3-5 time.</summary>
    public required int XyztUnits { get; init; }

    /// <summary>True when the file was written big-endian (header and voxels were swapped on read).</summary>
    public required bool IsBigEndian { get; init; }

    /// <summary>The file the header came from (.nii, .nii.gz, .hdr or .hdr.gz).</summary>
    public required string HeaderPath { get; init; }

    /// <summary>The file the voxels come from (same as <see cref="HeaderPath"/> except for .hdr/.img pairs).</summary>
    public required string DataPath { get; init; }

    /// <summary>True for a .hdr/.img pair (magic "ni1"/"ni2").</summary>
    public required bool IsPair { get; init; }

    /// <summary>True when the data file is gzip-compressed.</summary>
    public required bool IsDataCompressed { get; init; }

    /// <summary>Size of one 3-D volume: dim[1..3], with 1 for dimensions beyond dim[0].</summary>
    public Shape3 Shape => new((int)DimOr1(1), (int)DimOr1(2), (int)DimOr1(3));

    /// <summary>Number of 3-D volumes: the product of dim[4..dim[0]] (1 for a 3-D file).</summary>
    public long VolumeCount
    {
        get
        {
            long n = 1;
            for (int i = 4; i <= Dims[0]; i++) n *= Dims[i];
            return n;
        }
    }

    /// <summary>pixdim[1..3]; an axis of size 1 with an unusable value (0, NaN, negative) counts as 1 mm.</summary>
    public Spacing3 Spacing => new(SpacingOr1(1), SpacingOr1(2), SpacingOr1(3));

    /// <summary>Bytes per voxel on disk.</summary>
    public int BytesPerVoxel => NiftiDataTypes.SupportedSize(DataType);

    /// <summary>True when scl_slope/scl_inter change the values (slope finite and non-zero, and not 1/0).</summary>
    public bool HasScaling => SclSlope != 0 && double.IsFinite(SclSlope) && !(SclSlope == 1 && SclInter == 0);

    /// <summary>"nifti1" or "nifti2".</summary>
    public string FormatName => Version == 2 ? "nifti2" : "nifti1";

    private long DimOr1(int i) => i <= Dims[0] ? Dims[i] : 1;

    private double SpacingOr1(int i) =>
        DimOr1(i) == 1 && !(double.IsFinite(Pixdim[i]) && Pixdim[i] > 0) ? 1 : Pixdim[i];
}
