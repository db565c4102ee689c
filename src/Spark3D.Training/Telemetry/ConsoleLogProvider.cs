using Microsoft.Extensions.Logging;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// The console side of <see cref="RunLog"/>: one line per event, written synchronously (so log lines keep their place
/// among the result lines and the plain progress lines): information as the bare message on stdout, debug as
/// <c>debug: …</c> on stdout, warnings and errors as <c>warning: …</c> / <c>error: …</c> on stderr. An exception adds
/// its type and message to the line, never its stack trace (that goes to the run's log file).
/// </summary>
/// <remarks>Microsoft.Extensions.Logging.Console is not used: it writes from a background queue, so its lines would land
/// out of order with the command's own output and after a crash could be lost.</remarks>
public sealed class ConsoleLogProvider(LogLevel minimum, TextWriter? stdout = null, TextWriter? stderr = null) : ILoggerProvider
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>The console line of an event (without the newline).</summary>
    public static string Format(LogLevel level, string message, Exception? exception)
    {
        string text = level >= LogLevel.Warning ? message.ReplaceLineEndings(" ") : message;
        // The exception's type and message, unless the message already says it (Akka passes the exception's message as its own).
        string reason = exception?.Message.ReplaceLineEndings(" ") ?? "";
        if (exception is not null) text += text.Contains(reason, StringComparison.Ordinal) ? $" ({exception.GetType().Name})" : $" ({exception.GetType().Name}: {reason})";
        return level switch
        {
            LogLevel.Trace or LogLevel.Debug => "debug: " + text,
            LogLevel.Warning => "warning: " + text,
            LogLevel.Error or LogLevel.Critical => "error: " + text,
            _ => text,
        };
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        string line = Format(level, message, exception);
        // The process's writers are looked up per line: a test or a caller may have redirected them since.
        var writer = level >= LogLevel.Warning ? stderr ?? Console.Error : stdout ?? Console.Out;
        lock (_gate) writer.WriteLine(line);
    }

    private sealed class Logger(ConsoleLogProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Write(logLevel, formatter(state, exception), exception);
        }
    }

    private LogLevel Minimum => minimum;
}
