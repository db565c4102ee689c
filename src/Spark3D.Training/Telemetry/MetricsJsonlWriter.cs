using System.Globalization;
using System.Text;

namespace Spark3D.Training.Telemetry;

/// <summary>Appends one JSON object per call to <c>metrics.jsonl</c> in the run directory: a plain-text copy of the
/// scalars (<c>{"time":…,"step":…,"loss":…}</c>) that needs no tools to read. Not thread-safe; used by the trainer.</summary>
public sealed class MetricsJsonlWriter : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending (creates it).</summary>
    public MetricsJsonlWriter(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false))
        { AutoFlush = true };
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Appends the scalars of <paramref name="step"/>; non-finite values are written as null.</summary>
    public void Append(long step, IEnumerable<KeyValuePair<string, double>> scalars)
    {
        var line = new StringBuilder(128);
        line.Append("{\"time\":\"").Append(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)).Append("\",\"step\":")
            .Append(step.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in scalars)
        {
            line.Append(",\"").Append(name).Append("\":")
                .Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null");
        }
        _writer.WriteLine(line.Append('}').ToString());
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
