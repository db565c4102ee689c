using System.Buffers;
using System.Diagnostics;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>
/// The per-volume step of a cache build, shared by <see cref="DatasetPreprocessor"/> and the cluster job: hash the
/// source, read it, preprocess it, write <c>&lt;id&gt;.s3d</c> (temp + rename, self-describing metadata) and, when
/// the source has a label map, <c>&lt;id&gt;.labels.s3d</c> on the same grid. Idempotent: running it twice leaves
/// the same file. Never throws for a bad volume: the problem comes back as a failed <see cref="ManifestEntry"/>.
/// </summary>
public static class CacheVolumeBuilder
{
    /// <summary>Extension of cache files.</summary>
    public const string FileExtension = ".s3d";

    /// <summary>Extension of label-map cache files.</summary>
    public const string LabelFileExtension = ".labels.s3d";

    /// <summary>Content hash used when the source cannot even be read.</summary>
    public const string UnreadableHash = "unreadable";

    /// <summary>Output file of an id, relative to the output folder ('/' separated; sub-folders mirror the id).</summary>
    public static string OutputFileFor(string id) => SafeRelative(id) + FileExtension;

    /// <summary>Label-map output file of an id, relative to the output folder.</summary>
    public static string LabelFileFor(string id) => SafeRelative(id) + LabelFileExtension;

    /// <summary>
    /// SHA-256 of the source bytes; for an Analyze-style .hdr/.img pair, of both files' hashes together.
    /// </summary>
    public static string HashSource(string sourcePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        string h = ContentHasher.HashFile(sourcePath);
        string stem = VolumeIds.StripNiftiExtension(sourcePath);
        if (sourcePath.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) || sourcePath.EndsWith(".hdr.gz", StringComparison.OrdinalIgnoreCase))
        {
            string? img = new[] { ".img", ".img.gz", ".IMG", ".IMG.GZ" }.Select(e => stem + e).FirstOrDefault(File.Exists);
            if (img is not null) h = ContentHasher.HashBytes(System.Text.Encoding.ASCII.GetBytes(h + ContentHasher.HashFile(img)));
        }
        return h;
    }

    /// <summary>
    /// Builds the cache file(s) of one source. <paramref name="contentHash"/> may be passed when the caller has
    /// already hashed the source. Cancellation is the only exception that escapes.
    /// </summary>
    public static ManifestEntry Build(VolumeSource source, string outputDir, CacheBuildOptions options, string? contentHash = null,
        CancellationToken ct = default) => Build(source, outputDir, options, contentHash, null, null, ct);

    /// <summary>
    /// <see cref="Build(VolumeSource, string, CacheBuildOptions, string?, CancellationToken)"/>, adding the time of each
    /// stage (hash, inflate, convert, reorient, crop, statistics, resample, chunk, compress, checksum, write) to
    /// <paramref name="timings"/>. A failure is a failed entry; <paramref name="failed"/> (when given) gets the exception
    /// behind it, e.g. to log its stack trace.
    /// </summary>
    public static ManifestEntry Build(VolumeSource source, string outputDir, CacheBuildOptions options, string? contentHash,
        StageTimings? timings, Action<Exception>? failed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        string hash = contentHash ?? UnreadableHash;
        PreprocessRecord? record = null;
        try
        {
            if (contentHash is null)
            {
                long t = Stopwatch.GetTimestamp();
                hash = HashSource(source.SourcePath);
                timings?.Lap(PreprocessStage.Hash, t);
            }
            ct.ThrowIfCancellationRequested();
            options.Preprocess.Budget.CheckFile(source.SourcePath); // before the voxels are allocated
            // The image stays in its on-disk type in a pooled buffer and is converted row by row as it is read (the same
            // values as NiftiReader.Read); the output goes to a pooled buffer too, so a run of volumes reuses the same pages.
            (float[] processed, record) = new VolumePreprocessor(options.Preprocess).ProcessFile(source.SourcePath, timings, n => VoxelArrays.Rent<float>(n));
            try
            {
                ct.ThrowIfCancellationRequested();

                string outputFile = OutputFileFor(source.Id);
                string outputPath = Path.Combine(outputDir, outputFile);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
                var provenance = options.ProvenanceOf(0, 1);
                if (source.LabelPath is not null)
                    WriteLabels(source, hash, record, Path.Combine(outputDir, LabelFileFor(source.Id)), options.Chunks, provenance, timings);
                ChunkedVolumeWriter.Write(outputPath, processed, record.Shape, record.Spacing, record.Affine, options.Chunks,
                    CacheVolumeInfo.Create(source.Id, source.SourcePath, hash, CacheVolumeInfo.ImageRole, record, provenance), timings);
                return OkEntry(source, hash, outputFile, record, processed, sw.Elapsed, timings);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(processed);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            failed?.Invoke(e);
            return Failed(source, hash, ReasonOf(e), sw.Elapsed) with
            {
                OriginalShape = record?.OriginalShape,
                OriginalSpacing = record?.OriginalSpacing,
                OriginalAffine = record?.OriginalAffine,
            };
        }
    }

    /// <summary>The ok manifest entry of a built image file (its output statistics timed as statistics).</summary>
    internal static ManifestEntry OkEntry(VolumeSource source, string hash, string outputFile, PreprocessRecord record, float[] processed,
        TimeSpan elapsed, StageTimings? timings)
    {
        long ts = Stopwatch.GetTimestamp();
        var stats = StatsOf(processed, record.Shape);
        timings?.Lap(PreprocessStage.Statistics, ts);
        return new ManifestEntry
        {
            Id = source.Id,
            SourcePath = source.SourcePath,
            ContentHash = hash,
            Status = ManifestStatus.Ok,
            OutputFile = outputFile,
            OriginalShape = record.OriginalShape,
            OriginalSpacing = record.OriginalSpacing,
            OriginalAffine = record.OriginalAffine,
            NewShape = record.Shape,
            NewSpacing = record.Spacing,
            Stats = stats,
            ElapsedMs = elapsed.TotalMilliseconds,
            TimestampUtc = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>
    /// Preprocesses a label map onto the grid of an already preprocessed image (<see cref="VolumePreprocessor.ProcessLabels"/>:
    /// same reorientation and crop, nearest neighbour) and writes it as a float32 cache file recording
    /// <paramref name="provenance"/> (its image's settings) and the label map's own content hash; timed into
    /// <paramref name="timings"/> (the label map's reorientation and nearest-neighbour resampling count as resample).
    /// </summary>
    public static void WriteLabels(VolumeSource source, string contentHash, PreprocessRecord imageRecord, string outputPath, ChunkedVolumeOptions chunks,
        CacheVolumeProvenance provenance, StageTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(imageRecord);
        ArgumentNullException.ThrowIfNull(chunks);
        if (source.LabelPath is null) throw new ArgumentException($"Source '{source.Id}' has no label map.", nameof(source));
        // Its header first: a label map must have its image's grid (which passed the voxel budget), so a hostile one
        // is refused before its voxels are allocated.
        var declared = NiftiReader.ReadHeader(source.LabelPath).Shape;
        if (declared != imageRecord.OriginalShape)
            throw new ArgumentException($"{source.LabelPath}: label map shape {declared} differs from the image shape {imageRecord.OriginalShape}.");
        var labels = NiftiReader.Read(source.LabelPath, 0, timings).Volume;
        long t = Stopwatch.GetTimestamp();
        var processed = VolumePreprocessor.ProcessLabels(labels, imageRecord);
        timings?.Lap(PreprocessStage.Resample, t);
        var labelRecord = imageRecord with { Stats = null, Interpolation = Interpolation.Nearest };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        ChunkedVolumeWriter.Write(outputPath, processed, chunks with { DType = CacheDType.Float32 },
            CacheVolumeInfo.Create(source.Id, source.LabelPath, contentHash, CacheVolumeInfo.LabelsRole, labelRecord, provenance,
                HashSource(source.LabelPath)), timings);
    }

    /// <summary>A failed manifest entry with a one-line reason.</summary>
    public static ManifestEntry Failed(VolumeSource source, string contentHash, string reason, TimeSpan elapsed) => new()
    {
        Id = source.Id,
        SourcePath = source.SourcePath,
        ContentHash = string.IsNullOrEmpty(contentHash) ? UnreadableHash : contentHash,
        Status = ManifestStatus.Failed,
        Reason = reason,
        ElapsedMs = elapsed.TotalMilliseconds,
        TimestampUtc = DateTimeOffset.UtcNow,
    };

    /// <summary>"ExceptionType: message" on one line (the message already names the file for our typed exceptions).</summary>
    public static string ReasonOf(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
    }

    /// <summary>Mean, std, min and max of every output voxel (the manifest's "stats"), vectorised, in parallel over slices.</summary>
    private static VolumeStats StatsOf(float[] voxels, Shape3 shape)
    {
        var s = ZScoreNormalizer.Measure(VoxelView.Of(VoxelSource.Of(voxels), shape), foregroundOnly: false, minStd: 1e-8);
        return new VolumeStats(s.Mean, s.Std, s.Min, s.Max);
    }

    private static string SafeRelative(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var invalid = Path.GetInvalidFileNameChars();
        var parts = id.Replace('\\', '/').Split('/').Select(p =>
        {
            if (p is "" or "." or "..") return "_";
            return new string(p.Select(c => Array.IndexOf(invalid, c) >= 0 ? '_' : c).ToArray());
        });
        return string.Join('/', parts);
    }
}
