using Microsoft.Extensions.Logging;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// Keeps, as log-file lines, what a <see cref="RunLog"/> logs before its command knows the run directory (e.g. a worker
/// node before the coordinator tells it the output folder), so the file written later holds the whole run. Bounded:
/// a command that never attaches a file keeps at most <see cref="Capacity"/> lines.
/// </summary>
public sealed class EarlyLogBuffer : ILoggerProvider
{
    /// <summary>The most lines kept; later ones are dropped (counted in the note written with them).</summary>
    public const int Capacity = 10_000;

    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private bool _closed;
    private int _dropped;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Stops buffering and returns the lines kept so far (plus a note when some were dropped).</summary>
    public IReadOnlyList<string> Drain()
    {
        lock (_gate)
        {
            _closed = true;
            if (_dropped > 0) _lines.Add(FileLogProvider.FormatEvent(LogLevel.Warning, "spark3d", $"{_dropped} earlier log lines were dropped", null));
            var lines = _lines.ToList();
            _lines.Clear();
            return lines;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Drain();

    private void Add(string line)
    {
        lock (_gate)
        {
            if (_closed) return;
            if (_lines.Count < Capacity) _lines.Add(line);
            else _dropped++;
        }
    }

    private bool Open
    {
        get
        {
            lock (_gate) return !_closed;
        }
    }

    private sealed class Logger(EarlyLogBuffer owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => owner.Open && FileLogProvider.Takes(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Add(FileLogProvider.FormatEvent(logLevel, category, formatter(state, exception), exception));
        }
    }
}
