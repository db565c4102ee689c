namespace Spark3D.Data.Cache;

/// <summary>One input volume of a cache build: a stable id (names the output file) and where its NIfTI file is.</summary>
/// <param name="Id">Unique id, e.g. the source path relative to the input folder without the NIfTI extension ('/' separated).</param>
/// <param name="SourcePath">The image file (.nii, .nii.gz or .hdr).</param>
/// <param name="LabelPath">Optional label map on the same grid; preprocessed into the cache next to the image (for a
/// multi-channel case, next to channel 0 only).</param>
/// <param name="CaseId">The multi-channel case this file is channel <paramref name="Channel"/> of (nnU-Net's CASE_000C;
/// <see cref="VolumeSourceScanner.GroupChannels"/>); null = a case of its own. The channels of a case are preprocessed
/// together: one crop box, one grid.</param>
/// <param name="Channel">Channel index within <paramref name="CaseId"/>.</param>
public sealed record VolumeSource(string Id, string SourcePath, string? LabelPath = null, string? CaseId = null, int Channel = 0);
