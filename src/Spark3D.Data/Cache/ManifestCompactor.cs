using System.Text;

namespace Spark3D.Data.Cache;

/// <summary>
/// Rewrites a manifest so it lists every id exactly once (its last entry), in a given id order, then any other ids
/// in file order. Written to a temporary sibling and renamed, so a crash leaves the old file intact.
/// Must not run while a <see cref="DatasetManifest"/> is appending to the same file.
/// </summary>
public static class ManifestCompactor
{
    /// <returns>The number of lines written.</returns>
    public static int Compact(string manifestPath, IEnumerable<string> idOrder)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        ArgumentNullException.ThrowIfNull(idOrder);
        IReadOnlyList<ManifestEntry> entries;
        using (var m = DatasetManifest.Load(manifestPath)) entries = m.Entries;
        var latest = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var e in entries) latest[e.Id] = e;

        var ordered = new List<ManifestEntry>(latest.Count);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in idOrder)
            if (latest.TryGetValue(id, out var e) && written.Add(id)) ordered.Add(e);
        foreach (var e in entries)
            if (written.Add(e.Id)) ordered.Add(latest[e.Id]);

        var sb = new StringBuilder();
        foreach (var e in ordered) sb.Append(ManifestEntryJson.Serialize(e)).Append('\n');
        string full = Path.GetFullPath(manifestPath);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(Encoding.UTF8.GetBytes(sb.ToString()));
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
        return ordered.Count;
    }
}
