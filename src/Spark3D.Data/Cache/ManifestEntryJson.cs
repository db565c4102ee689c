using System.Text.Json;

namespace Spark3D.Data.Cache;

/// <summary>One <see cref="ManifestEntry"/> as the compact JSON of a manifest line (e.g. to ship it between nodes).</summary>
public static class ManifestEntryJson
{
    public static string Serialize(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.Serialize(entry, ManifestJson.Options);
    }

    /// <summary>Parses a manifest line; null when the text is not an entry with an id and a content hash.</summary>
    public static ManifestEntry? TryDeserialize(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var e = JsonSerializer.Deserialize<ManifestEntry>(json, ManifestJson.Options);
            return e is null || string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.ContentHash) ? null : e;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
