using System.Text;
using System.Text.Json;

namespace Spark3D.Data.Cache;

/// <summary>
/// The dataset manifest (<c>manifest.jsonl</c>): one JSON <see cref="ManifestEntry"/> per line, appended as volumes
/// finish. Loading tolerates a torn last line (a crash mid-write); the torn bytes are cut off before the next append.
/// Append is thread-safe and fsyncs each line before it returns (docs/cluster.md, "Journal durability"): a line that
/// was appended survives a killed process and a power loss; at most the line being written is lost, and it shows up as
/// a torn last line. One writer process per manifest.
/// </summary>
public sealed class DatasetManifest : IDisposable
{
    /// <summary>The manifest's name inside a cache folder unless <c>spark3d.data.cache.manifest</c> says otherwise.</summary>
    public const string DefaultFileName = "manifest.jsonl";

    private readonly object _gate = new();
    private readonly List<ManifestEntry> _entries = new();
    private readonly Dictionary<string, ManifestEntry> _latestById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ManifestEntry> _latestByHash = new(StringComparer.OrdinalIgnoreCase);
    private long _validLength;
    private FileStream? _writer;
    private bool _disposed;

    private DatasetManifest(string path) => FilePath = path;

    public string FilePath { get; }

    /// <summary>True when loading dropped an incomplete last line.</summary>
    public bool HadTornLine { get; private set; }

    /// <summary>Loads a manifest; a missing file is an empty manifest (created on the first append).</summary>
    /// <exception cref="CacheFormatException">A line other than the last is not a valid entry.</exception>
    public static DatasetManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var m = new DatasetManifest(path);
        if (!File.Exists(path)) return m;
        byte[] bytes = File.ReadAllBytes(path);
        int start = 0, lineNo = 0;
        while (start < bytes.Length)
        {
            lineNo++;
            int nl = Array.IndexOf(bytes, (byte)'\n', start);
            int end = nl < 0 ? bytes.Length : nl;
            bool last = nl < 0 || nl == bytes.Length - 1;
            var line = bytes.AsSpan(start, end - start);
            if (!line.Trim(" \r\t"u8).IsEmpty)
            {
                ManifestEntry? e = null;
                Exception? error = null;
                try { e = Parse(line); }
                catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException) { error = ex; }
                if (e is null)
                {
                    if (last) { m.HadTornLine = true; break; }
                    throw new CacheFormatException(path, $"line {lineNo} is not a manifest entry: {error?.Message ?? "null"}", error);
                }
                if (nl < 0) { m.HadTornLine = true; break; } // a complete object without its newline: still a torn write
                m.Add(e);
            }
            start = end + 1;
            m._validLength = Math.Min(start, bytes.Length);
        }
        return m;
    }

    private static ManifestEntry? Parse(ReadOnlySpan<byte> line)
    {
        var e = JsonSerializer.Deserialize<ManifestEntry>(line, ManifestJson.Options);
        if (e is not null && (string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.ContentHash)))
            throw new JsonException("entry lacks id or contentHash");
        return e;
    }

    private void Add(ManifestEntry e)
    {
        _entries.Add(e);
        _latestById[e.Id] = e;
        _latestByHash[e.ContentHash] = e;
    }

    /// <summary>Appends one entry as a line and fsyncs it (the line is on disk when this returns). Thread-safe.</summary>
    public void Append(ManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrEmpty(entry.Id) || string.IsNullOrEmpty(entry.ContentHash))
            throw new ArgumentException("A manifest entry needs an id and a content hash.", nameof(entry));
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, ManifestJson.Options) + "\n");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                string? dir = Path.GetDirectoryName(Path.GetFullPath(FilePath));
                if (dir is not null) Directory.CreateDirectory(dir);
                _writer = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
                _writer.SetLength(_validLength); // drop a torn tail so the new line starts clean
                _writer.Position = _validLength;
            }
            _writer.Write(line);
            // fsync per line: ~ms against hundreds of ms to build the volume it records (docs/cluster.md).
            _writer.Flush(flushToDisk: true);
            _validLength += line.Length;
            Add(entry);
        }
    }

    /// <summary>Every entry in file order (a snapshot).</summary>
    public IReadOnlyList<ManifestEntry> Entries
    {
        get { lock (_gate) return _entries.ToArray(); }
    }

    /// <summary>The last entry per id (a snapshot).</summary>
    public IReadOnlyDictionary<string, ManifestEntry> LatestById
    {
        get { lock (_gate) return new Dictionary<string, ManifestEntry>(_latestById, StringComparer.Ordinal); }
    }

    /// <summary>The last entry recorded for a source content hash, whatever its status.</summary>
    public bool TryGetByContentHash(string contentHash, out ManifestEntry entry)
    {
        lock (_gate)
        {
            bool found = _latestByHash.TryGetValue(contentHash, out var e);
            entry = e!;
            return found;
        }
    }

    /// <summary>True when the latest entry for this content hash is ok: a rerun may skip the volume.</summary>
    public bool IsDone(string contentHash) => TryGetByContentHash(contentHash, out var e) && e.Status == ManifestStatus.Ok;

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
        }
    }
}
