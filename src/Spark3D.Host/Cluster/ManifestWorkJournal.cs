using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;

namespace Spark3D.Host.Cluster;

/// <summary>
/// <see cref="IWorkJournal"/> backed by the cache's <c>manifest.jsonl</c> (<see cref="DatasetManifest"/>), so a
/// cluster run and a local run share one resumable record. Load reports the ids whose latest entry is ok and whose
/// output file exists (a restarted coordinator skips them); failed ones are tried again, as in a local rerun.
/// Append writes the <see cref="ManifestEntry"/> a <see cref="CacheVolumeJob"/> shipped in its stats, or builds a
/// failed entry (hashing the source here). The coordinator appends each id once per run (duplicates are ignored
/// before the journal); <see cref="ManifestCompactor"/> leaves one line per id at the end.
/// A worker's shipped entry is not trusted for where things are: the source path is the work list's, the output file
/// is the result's path (the coordinator has already refused paths that leave the output folder; it is checked again
/// here against the real folder).
/// </summary>
public sealed class ManifestWorkJournal : IWorkJournal, IDisposable
{
    private readonly DatasetManifest _manifest;
    private readonly string _outputDir;
    private readonly IReadOnlyDictionary<string, string> _sourceById;

    public ManifestWorkJournal(string manifestPath, IEnumerable<VolumeWorkItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _manifest = DatasetManifest.Load(manifestPath);
        _outputDir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        _sourceById = items.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().SourcePath, StringComparer.Ordinal);
    }

    public string FilePath => _manifest.FilePath;

    /// <inheritdoc />
    public IReadOnlyList<WorkJournalEntry> Load() =>
        _manifest.LatestById.Values
            .Where(e => e.Status == ManifestStatus.Ok && e.OutputFile is not null && File.Exists(Path.Combine(_outputDir, e.OutputFile)))
            .Select(e => new WorkJournalEntry(e.Id, true, e.OutputFile, e.ContentHash, "", null, "manifest",
                (e.TimestampUtc ?? DateTimeOffset.UtcNow).UtcDateTime))
            .ToList();

    /// <inheritdoc />
    public void Append(WorkJournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string source = _sourceById.TryGetValue(entry.Id, out var s) ? s : entry.Id;
        ManifestEntry line;
        string? outsideOutput = entry.Succeeded ? OutsideOutputProblem(entry.OutputPath) : null;
        if (entry.Succeeded && outsideOutput is null)
        {
            string output = entry.OutputPath!;
            line = ManifestEntryJson.TryDeserialize(entry.Stats) is { } shipped
                ? shipped with { Id = entry.Id, SourcePath = source, OutputFile = output, Status = ManifestStatus.Ok }
                : new ManifestEntry
                {
                    Id = entry.Id,
                    SourcePath = source,
                    ContentHash = string.IsNullOrEmpty(entry.ContentHash) ? CacheVolumeBuilder.UnreadableHash : entry.ContentHash,
                    Status = ManifestStatus.Ok,
                    OutputFile = output,
                    TimestampUtc = entry.FinishedUtc,
                };
        }
        else
        {
            string hash;
            try { hash = CacheVolumeBuilder.HashSource(source); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { hash = CacheVolumeBuilder.UnreadableHash; }
            line = CacheVolumeBuilder.Failed(new VolumeSource(entry.Id, source), hash, outsideOutput ?? entry.Reason ?? "failed", TimeSpan.Zero)
                with { TimestampUtc = entry.FinishedUtc };
        }
        _manifest.Append(line);
    }

    public void Dispose() => _manifest.Dispose();

    // A failed entry, not an exception: the journal is appended to from inside the coordinator actor.
    private string? OutsideOutputProblem(string? relative)
    {
        string root = Path.TrimEndingDirectorySeparator(_outputDir) + Path.DirectorySeparatorChar;
        if (ResultPaths.Problem(relative) is { } problem) return $"worker reported output '{relative}': {problem}";
        return Path.GetFullPath(Path.Combine(root, relative!)).StartsWith(root, StringComparison.Ordinal)
            ? null
            : $"worker reported output '{relative}' outside {_outputDir}";
    }
}
