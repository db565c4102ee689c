using System.Globalization;
using System.Text;
using System.Text.Json;
using Spark3D.Training.Feed;

namespace Spark3D.Training.RunFiles;

/// <summary>One line of <c>consumed.jsonl</c>: the trainer took volume <see cref="Id"/> (slot epoch/position) for step
/// <see cref="Step"/>.</summary>
public sealed record ConsumedEntry(long Step, int Epoch, int Position, string Id);

/// <summary>
/// <c>consumed.jsonl</c>: which volume fed which step. When a run resumes from a checkpoint at step s, lines of later steps
/// (trained by the killed process but not saved) are dropped, so the file always agrees with the checkpoint cursor and
/// "volumes seen per epoch" can be checked from it. Written by the trainer thread only.
/// </summary>
public sealed class ConsumedTrace : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private StreamWriter? _writer;

    /// <summary>Uses <paramref name="path"/> (opened lazily for appending).</summary>
    public ConsumedTrace(string path) => Path = path;

    /// <summary>The trace file.</summary>
    public string Path { get; }

    /// <summary>Drops every line whose step is greater than <paramref name="step"/> (atomic rewrite).</summary>
    public void TruncateAfter(long step)
    {
        if (!File.Exists(Path)) return;
        var keep = Read(Path).Where(e => e.Step <= step).Select(e => JsonSerializer.Serialize(e, Json));
        string temp = Path + ".tmp";
        File.WriteAllLines(temp, keep, new UTF8Encoding(false));
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Appends the tickets of the batch that step <paramref name="step"/> trains on.</summary>
    public void Append(long step, IEnumerable<VolumeTicket> tickets)
    {
        _writer ??= new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        foreach (var t in tickets)
            _writer.WriteLine(JsonSerializer.Serialize(new ConsumedEntry(step, t.Slot.Epoch, t.Slot.Position, t.Volume.Id), Json));
        _writer.Flush();
    }

    /// <summary>All entries of a trace file; a torn last line (process killed mid-write) is ignored.</summary>
    public static IReadOnlyList<ConsumedEntry> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var list = new List<ConsumedEntry>();
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.Length == 0) continue;
            try { list.Add(JsonSerializer.Deserialize<ConsumedEntry>(line, Json)!); }
            catch (JsonException) when (!line.EndsWith('}')) { /* torn final write */ }
        }
        return list;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer?.Dispose();

    /// <inheritdoc />
    public override string ToString() => Path + " (" + (File.Exists(Path) ? new FileInfo(Path).Length.ToString(CultureInfo.InvariantCulture) : "0") + " bytes)";
}
