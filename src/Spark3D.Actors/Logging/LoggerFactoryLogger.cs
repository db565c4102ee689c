using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Spark3D.Actors.Logging;

/// <summary>
/// Akka's logger actor for Microsoft.Extensions.Logging: every Akka log event goes to the host's factory (category
/// <c>akka</c>, the actor's path in the message). An error whose cause is an expected, handled failure
/// (<see cref="ExpectedFailures"/>: a non-finite loss the trainer restarts from, a transient IO error that is retried)
/// becomes a warning, so the console shows one line; Akka's info events are debug (in the file, on the console with --verbose) and the stack trace lands in the run's log file only.
/// </summary>
public sealed class LoggerFactoryLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The logger category of Akka's events.</summary>
    public const string Category = "akka";

    private readonly ILogger _logger;

    /// <summary>Created by Akka from <c>akka.loggers</c>.</summary>
    public LoggerFactoryLogger()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _logger = (setup.HasValue ? setup.Value.Factory : NullLoggerFactory.Instance).CreateLogger(Category);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Log);
    }

    /// <summary>The level an Akka event is logged at.</summary>
    public static LogLevel LevelOf(LogEvent e) => e switch
    {
        Error error when ExpectedFailures.IsExpected(error.Cause) => LogLevel.Warning,
        Error => LogLevel.Error,
        Warning => LogLevel.Warning,
        // Akka's info events are its own housekeeping (shutdown phases, remoting): debug for a CLI user, kept in the file.
        Info => LogLevel.Debug,
        _ => LogLevel.Debug,
    };

    private void Log(LogEvent e)
    {
        var level = LevelOf(e);
        if (!_logger.IsEnabled(level)) return;
        string message = $"{e.LogSource}: {e.Message}";
        _logger.Log(level, default, message, e.Cause, static (s, _) => s);
    }
}
