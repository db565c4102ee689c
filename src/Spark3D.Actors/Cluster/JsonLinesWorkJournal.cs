using System.Text;
using System.Text.Json;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// <see cref="IWorkJournal"/> as a JSON-lines file: one entry per line, appended and fsynced per item, so an appended
/// entry survives kill -9 and a power loss (docs/cluster.md, "Journal durability").
/// A torn last line (the process or the machine died mid-write) is cut off when the file is opened; any other
/// malformed line is an error (<see cref="WorkJournalFormatException"/>).
/// </summary>
public sealed class JsonLinesWorkJournal : IWorkJournal, IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly FileStream _stream;

    /// <summary>Opens (or creates) the journal at <paramref name="path"/>, creating its directory if needed.</summary>
    public JsonLinesWorkJournal(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        CutTornTail();
        _stream.Seek(0, SeekOrigin.End);
    }

    /// <summary>Full path of the journal file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<WorkJournalEntry> Load()
    {
        var entries = new List<WorkJournalEntry>();
        using var reader = new StreamReader(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            WorkJournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<WorkJournalEntry>(line, JsonOptions);
            }
            catch (JsonException ex)
            {
                throw new WorkJournalFormatException(Path, lineNumber, "not a journal entry: " + ex.Message, ex);
            }

            if (entry is null || string.IsNullOrEmpty(entry.Id))
            {
                throw new WorkJournalFormatException(Path, lineNumber, "entry without an id");
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <inheritdoc />
    public void Append(WorkJournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions);
        _stream.Write(line);
        _stream.WriteByte((byte)'\n');
        _stream.Flush(flushToDisk: true);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    // A crash mid-append leaves a last line without '\n'; appending after it would corrupt the next entry too.
    private void CutTornTail()
    {
        var length = _stream.Length;
        if (length == 0)
        {
            return;
        }

        var pos = length - 1;
        _stream.Seek(pos, SeekOrigin.Begin);
        if (_stream.ReadByte() == '\n')
        {
            return;
        }

        while (pos > 0)
        {
            _stream.Seek(pos - 1, SeekOrigin.Begin);
            if (_stream.ReadByte() == '\n')
            {
                break;
            }

            pos--;
        }

        _stream.SetLength(pos);
    }
}
