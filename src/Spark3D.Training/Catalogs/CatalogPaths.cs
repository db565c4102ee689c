using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>Helpers the folder catalogs share: recursive file listing with stable ids.</summary>
internal static class CatalogPaths
{
    /// <summary>Files under <paramref name="root"/> (recursive) whose names pass <paramref name="accept"/>, as
    /// (id = path relative to the root with '/' separators, full path), sorted ordinally by id.</summary>
    public static List<VolumeRef> List(string root, Func<string, bool> accept)
    {
        string full = Path.GetFullPath(root);
        return Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Where(p => accept(Path.GetFileName(p)))
            .Select(p => new VolumeRef(Path.GetRelativePath(full, p).Replace(Path.DirectorySeparatorChar, '/'), p))
            .OrderBy(v => v.Id, StringComparer.Ordinal)
            .ToList();
    }

    public static void RequireDirectory(string dir, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{what} '{dir}' does not exist.");
    }
}
