using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>Options every command understands: --config FILE, -D path=value (repeatable), --verbose and --quiet.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "HOCON file layered over the built-in defaults.",
        Recursive = true,
    };

    public static readonly Option<string[]> Define = new("--define", "-D")
    {
        Description = "Override one config value: -D spark3d.train.steps=100 (repeatable).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Also show debug messages on the console (the run's *.log file always has them).",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Show only warnings and errors on the console (results and progress go to the run's *.log file).",
        Recursive = true,
    };

    /// <summary>The console's log level: Debug with --verbose, Warning with --quiet, else Information.</summary>
    public static LogLevel ConsoleLevel(ParseResult result)
    {
        bool verbose = result.GetValue(Verbose), quiet = result.GetValue(Quiet);
        return verbose ? LogLevel.Debug : quiet ? LogLevel.Warning : LogLevel.Information;
    }

    /// <summary>Rejects --verbose together with --quiet (a parse error, reported like any other).</summary>
    public static void ValidateLogLevel(System.CommandLine.Parsing.CommandResult result)
    {
        if (result.GetValue(Verbose) && result.GetValue(Quiet)) result.AddError("give at most one of --verbose and --quiet.");
    }

    /// <summary>This invocation's logging, console only until the command attaches its run directory's file.</summary>
    public static RunLog CreateLog(ParseResult result) => new(ConsoleLevel(result));

    /// <summary>The header line of a run's log file: the command line of this process.</summary>
    public static string LogHeader() => "spark3d " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)) +
                                        $" (pid {Environment.ProcessId}, {Environment.MachineName})";

    /// <summary>The configuration for this invocation (defaults &lt; --config &lt; -D).</summary>
    public static Akka.Configuration.Config LoadConfig(ParseResult result) =>
        Config.Spark3DConfig.Load(result.GetValue(ConfigFile), result.GetValue(Define));
}
