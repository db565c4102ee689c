namespace Spark3D.Data.Preprocessing;

/// <summary>
/// The stages of building one cache volume that <see cref="StageTimings"/> times, in pipeline order. Names (lower case)
/// are what `spark3d preprocess --timings` prints.
/// </summary>
public enum PreprocessStage
{
    /// <summary>SHA-256 of the source file(s) (the manifest's content hash, decides resume skips).</summary>
    Hash,

    /// <summary>Reading the NIfTI file and inflating gzip: the raw voxel bytes in memory.</summary>
    Inflate,

    /// <summary>Raw datatype → float32 (byte swap, widening, scl_slope/scl_inter).</summary>
    Convert,

    /// <summary>Choosing the RAS+ axis order, and permuting voxels when the x axis is not kept as is.</summary>
    Reorient,

    /// <summary>Finding the nonzero bounding box.</summary>
    Crop,

    /// <summary>Z-score statistics (mean, std, min, max over the chosen voxels).</summary>
    Statistics,

    /// <summary>Applying the z-score and resampling to the target spacing (fused: voxels are normalised as they are read).</summary>
    Resample,

    /// <summary>Cutting the output into chunks, converting to the cache dtype and byte-shuffling.</summary>
    Chunk,

    /// <summary>Compressing the chunks (LZ4 / Zstandard).</summary>
    Compress,

    /// <summary>XXH3 checksums of the chunks and header, and the manifest's output statistics.</summary>
    Checksum,

    /// <summary>Writing the file (temp file, flush to disk, rename) and the label map, if any.</summary>
    Write,
}
