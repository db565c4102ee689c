using Microsoft.Extensions.Logging;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// A command's logging (Microsoft.Extensions.Logging): the console (<see cref="ConsoleLogProvider"/>, one line per event,
/// filtered by --verbose/--quiet) from the start, and the run directory's <c>*.log</c> file (<see cref="FileLogProvider"/>,
/// every event from debug up with stack traces) once the command knows its run directory. Akka's log is routed in by
/// Spark3D.Actors.Logging.
/// </summary>
public sealed class RunLog : IDisposable
{
    private readonly LoggerFactory _factory;
    private readonly EarlyLogBuffer _early = new();
    private FileLogProvider? _file;

    internal FileLogProvider? File => _file;

    /// <summary>Logs to the console at <paramref name="consoleLevel"/> and up (writers: the process's, when null).</summary>
    public RunLog(LogLevel consoleLevel, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        // Every level reaches the providers; each filters for itself (the console at consoleLevel, the file at Debug).
        _factory = new LoggerFactory([new ConsoleLogProvider(consoleLevel, stdout, stderr), _early],
            new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        ConsoleLevel = consoleLevel;
    }

    /// <summary>The factory to hand to libraries (Akka's bridge, the exporters).</summary>
    public ILoggerFactory Factory => _factory;

    /// <summary>The console's minimum level.</summary>
    public LogLevel ConsoleLevel { get; }

    /// <summary>The log file, once attached.</summary>
    public string? FilePath { get; private set; }

    /// <summary>A logger for <paramref name="category"/> (e.g. <c>spark3d.pretrain</c>).</summary>
    public ILogger For(string category) => _factory.CreateLogger(category);

    /// <summary>A logger for <paramref name="category"/> that writes to the log file only, not to the console (for what the
    /// console shows otherwise, e.g. the progress lines while the live table is up); a no-op until a file is attached.</summary>
    public ILogger FileOnly(string category) => new FileOnlyLogger(this, category);

    /// <summary>Also writes every event from now on to <paramref name="path"/> (appended: a resumed run continues its file),
    /// after the header and what was logged before (<see cref="EarlyLogBuffer"/>).</summary>
    public void AttachFile(string path, string header)
    {
        if (FilePath is not null) throw new InvalidOperationException($"the log already goes to {FilePath}");
        var provider = new FileLogProvider(path);
        provider.WriteHeader(header);
        // An event logged between the drain and AddProvider (another thread) is lost; commands attach before they start work.
        provider.WriteEarlier(_early.Drain());
        _factory.AddProvider(provider);
        _file = provider;
        FilePath = path;
    }

    /// <summary>A failure that ends the command: <paramref name="line"/> on stderr as is (the command's one-line reason),
    /// and with <paramref name="exception"/>'s stack trace in the log file when one is attached.</summary>
    public void Failure(string category, string line, Exception? exception = null)
    {
        Console.Error.WriteLine(line);
        _file?.CreateLogger(category).Log(LogLevel.Error, default, line, exception, static (s, _) => s);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _factory.Dispose();
}

// Looks the file up per event: the view may be created before the command attaches its file.
internal sealed class FileOnlyLogger(RunLog owner, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => owner.File is not null && logLevel is >= LogLevel.Debug and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        owner.File?.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter);
}

/// <summary>Logging helpers the commands use.</summary>
public static class RunLogExtensions
{
    /// <summary>Logs <paramref name="text"/> as is at Information (a result line: no message template, braces are text).</summary>
    public static void Line(this ILogger logger, string text) =>
        logger.Log(LogLevel.Information, default, text, null, static (s, _) => s);

    /// <summary>Logs <paramref name="text"/> as is at Warning, with <paramref name="exception"/> for the file only.</summary>
    public static void Warn(this ILogger logger, string text, Exception? exception = null) =>
        logger.Log(LogLevel.Warning, default, text, exception, static (s, _) => s);

    /// <summary>Logs <paramref name="text"/> as is at Error (the command's one-line reason for failing).</summary>
    public static void Error(this ILogger logger, string text, Exception? exception = null) =>
        logger.Log(LogLevel.Error, default, text, exception, static (s, _) => s);
}
