using Microsoft.Extensions.Logging;

namespace Spark3D.Actors.Tests.Logging;

/// <summary>A logger provider that keeps every event (level, category, message, exception), for assertions.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public List<(LogLevel Level, string Category, string Message, Exception? Error)> Events { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    /// <summary>A snapshot of the events so far (thread-safe).</summary>
    public List<(LogLevel Level, string Category, string Message, Exception? Error)> Snapshot()
    {
        lock (Events) return [.. Events];
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Events) owner.Events.Add((logLevel, category, formatter(state, exception), exception));
        }
    }
}
