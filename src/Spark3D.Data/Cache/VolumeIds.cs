namespace Spark3D.Data.Cache;

/// <summary>
/// The one rule that turns a file into a volume id. Every place a volume is named uses it, so one file has one id
/// everywhere: the cache manifest (<c>spark3d preprocess</c>), the catalogs of <c>spark3d pretrain --data</c> (a raw NIfTI
/// folder or a cache, with or without its manifest), and through them the data cursor's order, <c>consumed.jsonl</c> and
/// <c>quarantine.jsonl</c>.
/// <list type="bullet">
/// <item>A volume's id is its path relative to the folder scanned, '/'-separated, without its extension: NIfTI
/// <c>.nii</c>, <c>.nii.gz</c>, <c>.hdr</c>, <c>.hdr.gz</c> (any case) and the cache's <c>.s3d</c>. So
/// <c>a/t1.nii.gz</c> has the id <c>a/t1</c>, and so has its cache file <c>a/t1.s3d</c>.</item>
/// <item>When two NIfTI files of one folder would share an id (<c>a.nii</c> beside <c>a.nii.gz</c>), both keep their
/// extension as their id.</item>
/// <item>Hidden files and everything in hidden folders are skipped (temp files, <c>.git</c>); label maps
/// (<c>.labels.s3d</c>) are not volumes.</item>
/// <item>A list file given to <c>spark3d preprocess --input</c> may set an id explicitly; without one the same rule
/// applies to the listed path relative to the list's folder.</item>
/// </list>
/// </summary>
public static class VolumeIds
{
    /// <summary>The NIfTI extensions, longest match first.</summary>
    public static IReadOnlyList<string> NiftiExtensions { get; } = [".nii.gz", ".nii", ".hdr.gz", ".hdr"];

    /// <summary>True for names ending in .nii, .nii.gz, .hdr or .hdr.gz (case-insensitive).</summary>
    public static bool IsNifti(string path) => StripNiftiExtension(path).Length < path.Length;

    /// <summary>The path without its NIfTI extension (unchanged when it has none).</summary>
    public static string StripNiftiExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var ext in NiftiExtensions)
            if (path.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return path[..^ext.Length];
        return path;
    }

    /// <summary>True for a cache volume file (<c>.s3d</c>, not a <c>.labels.s3d</c> label map).</summary>
    public static bool IsCacheVolume(string path) =>
        path.EndsWith(CacheVolumeBuilder.FileExtension, StringComparison.OrdinalIgnoreCase) &&
        !path.EndsWith(CacheVolumeBuilder.LabelFileExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>The id of a cache file from its path relative to the cache folder: <c>a/t1.s3d</c> → <c>a/t1</c>.</summary>
    public static string OfCacheFile(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return relativePath.EndsWith(CacheVolumeBuilder.FileExtension, StringComparison.OrdinalIgnoreCase)
            ? relativePath[..^CacheVolumeBuilder.FileExtension.Length]
            : relativePath;
    }

    /// <summary>The ids of NIfTI files given by their relative paths, in the same order: without the extension, unless
    /// two of them would then collide.</summary>
    public static IReadOnlyList<string> OfNiftiFiles(IReadOnlyList<string> relativePaths)
    {
        ArgumentNullException.ThrowIfNull(relativePaths);
        var stems = relativePaths.Select(StripNiftiExtension).ToList();
        var counts = stems.GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return relativePaths.Select((rel, i) => counts[stems[i]] > 1 ? rel : stems[i]).ToList();
    }

    /// <summary>Files below <paramref name="root"/> whose names pass <paramref name="accept"/>, as paths relative to it
    /// ('/'-separated, ordinal order); hidden files and folders are skipped.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ListFiles(string root, Func<string, bool> accept)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(accept);
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Folder '{root}' does not exist.");
        return Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Select(f => Path.GetRelativePath(full, f).Replace('\\', '/'))
            .Where(rel => !rel.Split('/').Any(part => part.StartsWith('.')) && accept(rel))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
