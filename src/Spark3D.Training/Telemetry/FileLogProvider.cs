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

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Debug and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = new StringBuilder().Append(Now()).Append(' ').Append(Short(logLevel)).Append(' ').Append(category).Append(": ")
                .Append(formatter(state, exception));
            if (exception is not null) line.AppendLine().Append(exception);
            owner.Append(line.ToString());
        }
    }
}
