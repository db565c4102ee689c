using Spark3D.Data.Cache;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>
/// The volumes of a preprocessed cache folder. With its manifest: the latest entry per id whose status is ok and whose
/// output file exists (others are listed in <see cref="Excluded"/>); without one: every cache volume file below the
/// folder (not the <c>.labels.s3d</c> label maps). Ids follow <see cref="VolumeIds"/> either way, so a cache file has
/// the id its source had. Sorted ordinally by id, so the order is stable between runs.
/// </summary>
public sealed class CacheVolumeCatalog : IVolumeCatalog
{
    private CacheVolumeCatalog(string directory, IReadOnlyList<VolumeRef> volumes, IReadOnlyList<(string Id, string Reason)> excluded, bool fromManifest)
    {
        Directory = directory;
        Volumes = volumes;
        Excluded = excluded;
        FromManifest = fromManifest;
    }

    /// <summary>The cache directory (full path).</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public IReadOnlyList<VolumeRef> Volumes { get; }

    /// <summary>Manifest entries left out, with why (failed preprocessing, missing output file).</summary>
    public IReadOnlyList<(string Id, string Reason)> Excluded { get; }

    /// <summary>True when the list came from the manifest.</summary>
    public bool FromManifest { get; }

    /// <summary>True when <paramref name="dir"/> looks like a cache: it has the manifest or cache files at its top.</summary>
    public static bool IsCache(string dir, string manifestFileName = DatasetManifest.DefaultFileName) =>
        File.Exists(Path.Combine(dir, manifestFileName)) ||
        System.IO.Directory.EnumerateFiles(dir, "*" + CacheVolumeBuilder.FileExtension).Any(VolumeIds.IsCacheVolume);

    /// <summary>Lists the cache in <paramref name="cacheDir"/>; throws <see cref="DirectoryNotFoundException"/> when it is
    /// missing and <see cref="CacheFormatException"/> when the manifest is corrupt.</summary>
    public static CacheVolumeCatalog Open(string cacheDir, string manifestFileName = DatasetManifest.DefaultFileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDir);
        if (!System.IO.Directory.Exists(cacheDir)) throw new DirectoryNotFoundException($"Cache directory '{cacheDir}' does not exist.");
        string dir = Path.GetFullPath(cacheDir);
        string manifestPath = Path.Combine(dir, manifestFileName);
        if (!File.Exists(manifestPath))
        {
            var files = VolumeIds.ListFiles(dir, VolumeIds.IsCacheVolume)
                .Select(rel => new VolumeRef(VolumeIds.OfCacheFile(rel), Path.Combine(dir, rel)))
                .OrderBy(v => v.Id, StringComparer.Ordinal)
                .ToList();
            return new CacheVolumeCatalog(dir, files, [], fromManifest: false);
        }

        using var manifest = DatasetManifest.Load(manifestPath);
        var volumes = new List<VolumeRef>();
        var excluded = new List<(string, string)>();
        foreach (var e in manifest.LatestById.Values)
        {
            if (e.Status != ManifestStatus.Ok) { excluded.Add((e.Id, $"preprocessing failed: {e.Reason ?? "no reason recorded"}")); continue; }
            if (string.IsNullOrEmpty(e.OutputFile)) { excluded.Add((e.Id, "manifest entry has no output file")); continue; }
            string path = Path.GetFullPath(Path.Combine(dir, e.OutputFile));
            if (!File.Exists(path)) { excluded.Add((e.Id, $"output file {path} is missing")); continue; }
            volumes.Add(new VolumeRef(e.Id, path));
        }
        volumes.Sort((a, b) => StringComparer.Ordinal.Compare(a.Id, b.Id));
        excluded.Sort((a, b) => StringComparer.Ordinal.Compare(a.Item1, b.Item1));
        return new CacheVolumeCatalog(dir, volumes, excluded, fromManifest: true);
    }
}
