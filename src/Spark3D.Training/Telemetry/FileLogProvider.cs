using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// The file side of <see cref="RunLog"/>: every event from debug up, one line each
/// (<c>2026-12-04T18:00:00.123Z WARN spark3d.pretrain: …</c>), followed by the full exception with its stack trace when
/// there is one. Appends (a resumed run continues the file), flushes every line so a killed process leaves a complete log.
/// </summary>
public sealed class FileLogProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Opens <paramref name="path"/> for appending (creates its folder).</summary>
    public FileLogProvider(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
        { AutoFlush = true };
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Writes a separator line, e.g. the command line of this process.</summary>
    public void WriteHeader(string header) => Append($"{Now()} ---- {header.ReplaceLineEndings(" ")}");

    /// <summary>Writes lines formatted earlier with <see cref="FormatEvent"/> (events logged before the file was known).</summary>
    public void WriteEarlier(IEnumerable<string> lines)
    {
        foreach (var line in lines) Append(line);
    }

    /// <summary>The file's text for one event logged now: timestamp, level, category, message, then the exception.</summary>
    public static string FormatEvent(LogLevel level, string category, string message, Exception? exception)
    {
        var line = new StringBuilder().Append(Now()).Append(' ').Append(Short(level)).Append(' ').Append(category).Append(": ").Append(message);
        if (exception is not null) line.AppendLine().Append(exception);
        return line.ToString();
    }

    /// <summary>The levels the file takes: debug and up.</summary>
    public static bool Takes(LogLevel level) => level is >= LogLevel.Debug and < LogLevel.None;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "CRIT",
    };

    private void Append(string text)
    {
        lock (_gate)
        {
            if (!_disposed) _writer.WriteLine(text);
        }
    }

    private sealed class Logger(FileLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => Takes(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Append(FormatEvent(logLevel, category, formatter(state, exception), exception));
        }
    }
}
