using System.Text;
using System.Text.Json;

namespace Spark3D.Training.RunFiles;

/// <summary>One entry of <c>quarantine.jsonl</c>.</summary>
public sealed record QuarantineEntry(string Id, string File, string Reason, int Attempts, DateTime Time);

/// <summary>The run's quarantine report, <c>quarantine.jsonl</c>: one JSON line per unusable volume (id, file, reason).
/// A volume already in the report (from an earlier, resumed part of the run) is not written twice.</summary>
public sealed class QuarantineLog
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HashSet<string> _ids = [];

    /// <summary>Opens (and reads, if present) the report at <paramref name="path"/>.</summary>
    public QuarantineLog(string path)
    {
        Path = path;
        foreach (var entry in Read(path)) _ids.Add(entry.Id);
    }

    /// <summary>The report file.</summary>
    public string Path { get; }

    /// <summary>Distinct volumes in the report.</summary>
    public int Count => _ids.Count;

    /// <summary>Appends <paramref name="entry"/> unless its volume is already listed; returns whether it was new.</summary>
    public bool Add(QuarantineEntry entry)
    {
        if (!_ids.Add(entry.Id)) return false;
        File.AppendAllText(Path, JsonSerializer.Serialize(entry, Json) + "\n", new UTF8Encoding(false));
        return true;
    }

    /// <summary>All entries of a report file (empty when it does not exist).</summary>
    public static IReadOnlyList<QuarantineEntry> Read(string path)
    {
        if (!File.Exists(path)) return [];
        return File.ReadAllLines(path).Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<QuarantineEntry>(l, Json)
                ?? throw new InvalidDataException($"{path}: empty quarantine entry."))
            .ToList();
    }
}
