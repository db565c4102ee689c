using System.Diagnostics;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>
/// The cache build of one multi-channel case (nnU-Net's CASE_0000 … CASE_000(C-1)), or of a single channel with CT
/// normalisation: the channels go through <see cref="CasePreprocessor"/> together, as fine-tuning preprocesses them on the
/// fly (one reorientation, one crop box to the nonzero voxels of any channel, each channel normalised by its own scheme,
/// one grid), so image channels and label map stay aligned. Writes <c>&lt;id&gt;.s3d</c> per channel and the label map
/// next to channel 0; one <see cref="ManifestEntry"/> per channel. Never throws for bad input: every channel's entry
/// fails with the reason.
/// </summary>
public static class CacheCaseBuilder
{
    /// <summary>Builds the files of <paramref name="channels"/> (channel c at index c); <paramref name="hashes"/>[c] is
    /// channel c's content hash (<see cref="CacheVolumeBuilder.UnreadableHash"/> when it could not be read).</summary>
    public static IReadOnlyList<ManifestEntry> Build(IReadOnlyList<VolumeSource> channels, IReadOnlyList<string> hashes, string outputDir,
        CacheBuildOptions options, StageTimings? timings, CancellationToken ct = default) =>
        Build(channels, hashes, outputDir, options, timings, null, ct);

    /// <summary>As above; <paramref name="failed"/> gets the exception of a case that ends as failed entries (for the
    /// caller's log: the entries only carry its one-line reason).</summary>
    public static IReadOnlyList<ManifestEntry> Build(IReadOnlyList<VolumeSource> channels, IReadOnlyList<string> hashes, string outputDir,
        CacheBuildOptions options, StageTimings? timings, Action<Exception>? failed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        PreprocessRecord? record = null;
        try
        {
            var unreadable = channels.Where((_, c) => hashes[c] == CacheVolumeBuilder.UnreadableHash).Select(s => s.SourcePath).FirstOrDefault();
            if (unreadable is not null) throw new FileNotFoundException($"{unreadable}: cannot be read.", unreadable);
            foreach (var s in channels) options.Preprocess.Budget.CheckFile(s.SourcePath); // before the voxels are allocated
            long t = Stopwatch.GetTimestamp();
            var images = channels.Select(s => NiftiReader.Read(s.SourcePath).Volume).ToList();
            timings?.Lap(PreprocessStage.Inflate, t);
            ct.ThrowIfCancellationRequested();
            var ctByChannel = Enumerable.Range(0, channels.Count).Select(options.CtOf).ToList();
            t = Stopwatch.GetTimestamp();
            var (processed, caseRecord, stats) = new CasePreprocessor(options.Preprocess, ctByChannel).ProcessWithStats(images);
            record = caseRecord;
            timings?.Lap(PreprocessStage.Resample, t);
            ct.ThrowIfCancellationRequested();

            var entries = new List<ManifestEntry>(channels.Count);
            for (int c = 0; c < channels.Count; c++)
            {
                var source = channels[c];
                var provenance = options.ProvenanceOf(c, channels.Count);
                var channelRecord = caseRecord with { Stats = stats[c] };
                string outputFile = CacheVolumeBuilder.OutputFileFor(source.Id);
                string outputPath = Path.Combine(outputDir, outputFile);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
                if (c == 0 && source.LabelPath is not null)
                    CacheVolumeBuilder.WriteLabels(source, hashes[0], caseRecord, Path.Combine(outputDir, CacheVolumeBuilder.LabelFileFor(source.Id)),
                        options.Chunks, provenance, timings);
                var volume = processed[c];
                ChunkedVolumeWriter.Write(outputPath, volume.Voxels, volume.Shape, volume.Spacing, volume.Affine, options.Chunks,
                    CacheVolumeInfo.Create(source.Id, source.SourcePath, hashes[c], CacheVolumeInfo.ImageRole, channelRecord, provenance), timings);
                entries.Add(CacheVolumeBuilder.OkEntry(source, hashes[c], outputFile, channelRecord, volume.Voxels, sw.Elapsed, timings));
            }
            return entries;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            string reason = CacheVolumeBuilder.ReasonOf(e);
            failed?.Invoke(e);
            return channels.Select((s, c) => CacheVolumeBuilder.Failed(s, hashes[c], reason, sw.Elapsed) with
            {
                OriginalShape = record?.OriginalShape,
                OriginalSpacing = record?.OriginalSpacing,
                OriginalAffine = record?.OriginalAffine,
            }).ToList();
        }
    }
}
