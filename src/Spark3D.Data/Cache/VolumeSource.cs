namespace Spark3D.Data.Cache;

/// <summary>One input volume of a cache build: a stable id (names the output file) and where its NIfTI file is.</summary>
/// <param name="Id">Unique id, e.g. the source path relative to the input folder without the NIfTI extension ('/' separated).</param>
/// <param name="SourcePath">The image file (.nii, .nii.gz or .hdr).</param>
/// <param name="LabelPath">Optional label map on the same grid; preprocessed into the cache next to the image.</param>
public sealed record VolumeSource(string Id, string SourcePath, string? LabelPath = null);
