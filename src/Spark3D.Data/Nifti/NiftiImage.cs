using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>A decoded NIfTI volume: the header as read and one 3-D volume (float32 after scl_slope/scl_inter).</summary>
/// <param name="Header">The parsed header.</param>
/// <param name="Volume">Voxels X fastest as on disk, spacing from pixdim[1..3], affine from <see cref="NiftiAffine.Best"/>.</param>
/// <param name="AffineSource">Which header field the affine came from.</param>
/// <param name="VolumeIndex">Which 3-D volume of a 4-D/5-D file this is.</param>
public sealed record NiftiImage(NiftiHeader Header, Volume Volume, NiftiAffineSource AffineSource, int VolumeIndex);
