using System.Diagnostics;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>
/// The offline cache build (<c>spark3d preprocess</c>): preprocesses every source in parallel (bounded by
/// <see cref="CacheBuildOptions.MaxParallelism"/>) with <see cref="CacheVolumeBuilder.Build"/>, appends one
/// <see cref="ManifestEntry"/> per volume to <c>manifest.jsonl</c> as it finishes, and at the end compacts the
/// manifest to one line per id in input order.
/// Resumable and idempotent: a source whose latest entry has the same id and content hash, status ok, and whose
/// output file(s) still exist is skipped; everything else (new, changed, failed before, output deleted) is built.
/// A bad volume is recorded as failed with its reason and never stops the run.
/// </summary>
public sealed class DatasetPreprocessor
{
    private readonly CacheBuildOptions _options;
    private readonly Action<ManifestEntry, Exception>? _failed;

    /// <summary>A preprocessor with <paramref name="options"/>; <paramref name="failed"/> (when given) is called, from the
    /// worker threads, with each failed volume's entry and the exception behind it (e.g. to log its stack trace).</summary>
    public DatasetPreprocessor(CacheBuildOptions options, Action<ManifestEntry, Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _failed = failed;
    }

    /// <summary>Scans <paramref name="input"/> (folder or list, see <see cref="VolumeSourceScanner"/>) and builds the cache.</summary>
    public PreprocessSummary Run(string input, string outputDir, IProgress<PreprocessProgress>? progress = null, CancellationToken ct = default) =>
        Run(VolumeSourceScanner.Scan(input), outputDir, progress, ct);

    /// <summary>Builds the cache of <paramref name="sources"/> in <paramref name="outputDir"/> (created if missing).</summary>
    public PreprocessSummary Run(IReadOnlyList<VolumeSource> sources, string outputDir, IProgress<PreprocessProgress>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        var duplicate = sources.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Volume id '{duplicate.Key}' appears more than once.", nameof(sources));

        var sw = Stopwatch.StartNew();
        Directory.CreateDirectory(outputDir);
        RemoveStaleTempFiles(outputDir); // left by a run that was killed mid-write
        string manifestPath = Path.Combine(outputDir, _options.ManifestFileName);
        int ok = 0, failed = 0, skipped = 0;
        var failures = new List<ManifestEntry>();
        var gate = new object();
        var timings = new StageTimings();
        using (var manifest = DatasetManifest.Load(manifestPath))
        {
            var previous = manifest.LatestById;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveParallelism, CancellationToken = ct };
            // The channels of a multi-channel case (VolumeSource.CaseId) are one unit of work: built together or skipped together.
            var units = sources.GroupBy(s => s.CaseId is null ? "\0" + s.Id : s.CaseId, StringComparer.Ordinal)
                .Select(g => g.OrderBy(s => s.Channel).ToList()).ToList();
            Parallel.ForEach(units, parallel, unit =>
            {
                var hashes = unit.Select(source =>
                {
                    long t = Stopwatch.GetTimestamp();
                    string hash;
                    try { hash = CacheVolumeBuilder.HashSource(source.SourcePath); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
                    {
                        hash = CacheVolumeBuilder.UnreadableHash;
                    }
                    timings.Lap(PreprocessStage.Hash, t);
                    return hash;
                }).ToList();

                IReadOnlyList<ManifestEntry> entries = [];
                if (unit.Where((source, c) => !IsDone(source, hashes[c], previous, outputDir)).Any())
                {
                    Exception? error = null;
                    entries = unit.Count > 1 || _options.CtOf(0) is not null
                        ? CacheCaseBuilder.Build(unit, hashes, outputDir, _options, timings, e => error = e, ct)
                        : [CacheVolumeBuilder.Build(unit[0], outputDir, _options,
                            hashes[0] == CacheVolumeBuilder.UnreadableHash ? null : hashes[0], // unreadable: re-hash to get the reason
                            timings, e => error = e, ct)];
                    foreach (var entry in entries) manifest.Append(entry);
                    if (error is not null) foreach (var entry in entries) _failed?.Invoke(entry, error);
                }

                PreprocessProgress snapshot;
                lock (gate)
                {
                    if (entries.Count == 0) skipped += unit.Count;
                    foreach (var entry in entries)
                    {
                        if (entry.Status == ManifestStatus.Ok) ok++;
                        else { failed++; failures.Add(entry); }
                    }
                    snapshot = new PreprocessProgress(sources.Count, ok, failed, skipped, unit[^1].Id, sw.Elapsed);
                }
                progress?.Report(snapshot);
            });
        }
        ManifestCompactor.Compact(manifestPath, sources.Select(s => s.Id));
        return new PreprocessSummary(sources.Count, ok, failed, skipped, sw.Elapsed, manifestPath,
            failures.OrderBy(f => f.Id, StringComparer.Ordinal).ToList(), timings);
    }

    /// <summary>
    /// Deletes the hidden <c>.NAME.GUID.tmp</c> files that <see cref="ChunkedVolumeWriter"/> and
    /// <see cref="ManifestCompactor"/> write before renaming; only files a killed writer left behind remain. Call only
    /// when no writer is active on the folder (or accept that a live writer's rename then fails).
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int RemoveStaleTempFiles(string outputDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        if (!Directory.Exists(outputDir)) return 0;
        int removed = 0;
        foreach (var f in Directory.EnumerateFiles(outputDir, ".*.tmp", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            try
            {
                File.Delete(f);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // still in use or not ours to delete: leave it
            }
        }
        return removed;
    }

    /// <summary>True when the cache already holds this exact source (same id and hash, ok, output file(s) present).</summary>
    public static bool IsDone(VolumeSource source, string contentHash, IReadOnlyDictionary<string, ManifestEntry> latestById, string outputDir)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(latestById);
        return contentHash != CacheVolumeBuilder.UnreadableHash
            && latestById.TryGetValue(source.Id, out var e)
            && e.Status == ManifestStatus.Ok
            && string.Equals(e.ContentHash, contentHash, StringComparison.OrdinalIgnoreCase)
            && e.OutputFile is not null
            && File.Exists(Path.Combine(outputDir, e.OutputFile))
            && (source.LabelPath is null || File.Exists(Path.Combine(outputDir, CacheVolumeBuilder.LabelFileFor(source.Id))));
    }
}
