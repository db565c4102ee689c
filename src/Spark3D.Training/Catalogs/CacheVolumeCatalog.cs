using Spark3D.Data.Cache;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>
/// The volumes of a preprocessed cache directory. With a <c>manifest.jsonl</c>: the latest entry per id whose status is
/// ok and whose output file exists (others are listed in <see cref="Excluded"/>); without one: every <c>*.s3d</c> file
/// below the directory, id = its relative path. Sorted ordinally by id, so the order is stable between runs.
/// </summary>
public sealed class CacheVolumeCatalog : IVolumeCatalog
{
    /// <summary>The manifest file name inside a cache directory.</summary>
    public const string ManifestFileName = "manifest.jsonl";

    /// <summary>The cache file extension (docs/cache-format.md).</summary>
    public const string CacheExtension = ".s3d";

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

    /// <summary>True when the list came from manifest.jsonl.</summary>
    public bool FromManifest { get; }

    /// <summary>Lists the cache in <paramref name="cacheDir"/>; throws <see cref="DirectoryNotFoundException"/> when it is
    /// missing and <see cref="CacheFormatException"/> when the manifest is corrupt.</summary>
    public static CacheVolumeCatalog Open(string cacheDir)
    {
        CatalogPaths.RequireDirectory(cacheDir, "Cache directory");
        string dir = Path.GetFullPath(cacheDir);
        string manifestPath = Path.Combine(dir, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            var files = CatalogPaths.List(dir, n => n.EndsWith(CacheExtension, StringComparison.OrdinalIgnoreCase) && !n.StartsWith('.'));
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
