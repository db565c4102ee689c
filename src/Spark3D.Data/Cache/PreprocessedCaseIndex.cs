using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>The cache files of one labelled case: channel c's image file at index c, and its label-map file.</summary>
public sealed record PreprocessedCaseFiles(IReadOnlyList<string> Channels, string Labels);

/// <summary>The outcome of <see cref="PreprocessedCaseIndex.Match"/>: the files of every case, or why the cache cannot be used.</summary>
public sealed record PreprocessedCacheMatch(IReadOnlyDictionary<string, PreprocessedCaseFiles>? Cases, string? Reason)
{
    /// <summary>True when every case was found with matching settings.</summary>
    public bool Matches => Cases is not null;
}

/// <summary>
/// Finds the labelled cases of a data set in a cache built by <c>spark3d preprocess --labels</c> and checks that it holds
/// what the current settings would make: every channel file is in the manifest under its source path with the source's
/// current content hash, and its info JSON (<see cref="CacheVolumeInfo.Mismatch"/>) records the same settings (target
/// spacing, interpolation, crop, reorientation, z-score), channel count and index, and normalisation (CT statistics
/// included); the label file exists, was made from the case's label map with its current content hash and the same
/// settings. All or nothing: the first problem is the reason, and the caller preprocesses everything again.
/// </summary>
public static class PreprocessedCaseIndex
{
    /// <summary>Matches <paramref name="cases"/> (id, channel files, label map) against the cache in <paramref name="cacheDir"/>.</summary>
    public static PreprocessedCacheMatch Match(string cacheDir, IEnumerable<(string Id, IReadOnlyList<string> ChannelPaths, string LabelPath)> cases,
        PreprocessOptions settings, IReadOnlyList<CtIntensityProperties?>? channelCt, string manifestFileName = DatasetManifest.DefaultFileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDir);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(settings);
        string dir = Path.GetFullPath(cacheDir);
        string manifestPath = Path.Combine(dir, manifestFileName);
        if (!File.Exists(manifestPath)) return Mismatch($"{manifestPath} does not exist (not a spark3d preprocess output)");
        Dictionary<string, ManifestEntry> bySource;
        try
        {
            using var manifest = DatasetManifest.Load(manifestPath);
            bySource = manifest.LatestById.Values.Where(e => e.Status == ManifestStatus.Ok && e.OutputFile is not null)
                .GroupBy(e => Path.GetFullPath(e.SourcePath), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        }
        catch (CacheFormatException e)
        {
            return Mismatch(e.Message);
        }

        try
        {
            return MatchCases(dir, manifestPath, bySource, cases, settings, channelCt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Mismatch(e.Message); // a source that cannot be hashed: the on-the-fly path will name it properly
        }
    }

    private static PreprocessedCacheMatch MatchCases(string dir, string manifestPath, Dictionary<string, ManifestEntry> bySource,
        IEnumerable<(string Id, IReadOnlyList<string> ChannelPaths, string LabelPath)> cases, PreprocessOptions settings,
        IReadOnlyList<CtIntensityProperties?>? channelCt)
    {
        var found = new Dictionary<string, PreprocessedCaseFiles>(StringComparer.Ordinal);
        foreach (var (id, channelPaths, labelPath) in cases)
        {
            var files = new List<string>(channelPaths.Count);
            string? labelsFile = null;
            for (int c = 0; c < channelPaths.Count; c++)
            {
                string source = Path.GetFullPath(channelPaths[c]);
                if (!bySource.TryGetValue(source, out var entry)) return Mismatch($"case {id}: {source} is not in {manifestPath}");
                if (!string.Equals(entry.ContentHash, CacheVolumeBuilder.HashSource(source), StringComparison.OrdinalIgnoreCase))
                    return Mismatch($"case {id}: {source} has changed since it was preprocessed");
                string file = Path.Combine(dir, entry.OutputFile!);
                var provenance = new CacheVolumeProvenance(settings, c, channelPaths.Count, channelCt is { } ct && c < ct.Count ? ct[c] : null);
                if (InfoMismatch(file, CacheVolumeInfo.ImageRole, source, provenance) is { } why) return Mismatch($"case {id}: {file}: {why}");
                files.Add(file);
                if (c != 0) continue;
                labelsFile = Path.Combine(dir, CacheVolumeBuilder.LabelFileFor(entry.Id));
                if (!File.Exists(labelsFile)) return Mismatch($"case {id}: no label file {labelsFile} (preprocess with --labels)");
                if (InfoMismatch(labelsFile, CacheVolumeInfo.LabelsRole, labelPath, provenance, labelPath) is { } whyLabels)
                    return Mismatch($"case {id}: {labelsFile}: {whyLabels}");
            }
            found[id] = new PreprocessedCaseFiles(files, labelsFile!);
        }
        return new PreprocessedCacheMatch(found, null);
    }

    private static PreprocessedCacheMatch Mismatch(string reason) => new(null, reason);

    /// <summary>Why <paramref name="file"/> does not match, or null; <paramref name="labelSource"/>: also check the label map's hash.</summary>
    private static string? InfoMismatch(string file, string role, string source, CacheVolumeProvenance expected, string? labelSource = null)
    {
        if (!File.Exists(file)) return "file missing";
        string? info;
        try
        {
            using var f = ChunkedVolumeFile.Open(file, verifyChunks: false); // the chunks are verified when they are read
            info = f.MetadataJson;
        }
        catch (Exception e) when (e is CacheFormatException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        try
        {
            if (CacheVolumeInfo.Mismatch(info, role, source, expected) is { } why) return why;
            if (labelSource is not null && !string.Equals(CacheVolumeInfo.LabelContentHash(info), CacheVolumeBuilder.HashSource(labelSource), StringComparison.OrdinalIgnoreCase))
                return $"{labelSource} has changed since it was preprocessed";
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            return "malformed info JSON: " + e.Message;
        }
    }
}
