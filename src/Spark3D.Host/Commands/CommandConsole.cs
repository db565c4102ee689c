using Microsoft.Extensions.Logging;
using Spark3D.Training.Telemetry;
using Spectre.Console;

namespace Spark3D.Host.Commands;

/// <summary>
/// Spectre.Console bound to the current <see cref="Console.Out"/> (so tests can capture it), and a way to show
/// progress: a live bar on a terminal, a plain line per ~10 % (and at the end) when the output is redirected.
/// </summary>
internal static class CommandConsole
{
    public static IAnsiConsole Create() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    /// <summary>
    /// Runs <paramref name="work"/> with a callback <c>report(done, description)</c>; shows a progress bar of
    /// <paramref name="total"/> steps. The callback is thread-safe. The plain lines go through <paramref name="log"/>
    /// when given (so they reach the run's log file); while the bar is shown, the same lines go to
    /// <paramref name="record"/> (the log file only).
    /// </summary>
    public static T WithProgress<T>(IAnsiConsole console, string title, int total, Func<Action<int, string>, T> work,
        ILogger? log = null, ILogger? record = null)
    {
        if (console.Profile.Capabilities.Interactive && total > 0)
        {
            return console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: total);
                    var gate = new object();
                    var lines = record is null ? null : PlainLines(title, total, record);
                    return work((done, description) =>
                    {
                        lock (gate)
                        {
                            task.Value = done;
                            task.Description = Markup.Escape(description);
                        }
                        lines?.Invoke(done, description);
                    });
                });
        }

        return work(PlainLines(title, total, log));
    }

    // A line per ~10 % (and at the end) to log, or to the console when there is none; thread-safe.
    private static Action<int, string> PlainLines(string title, int total, ILogger? log)
    {
        var gate = new object();
        int lastDecile = -1;
        return (done, description) =>
        {
            lock (gate)
            {
                int decile = total == 0 ? 10 : done * 10 / total;
                if (decile <= lastDecile) return;
                lastDecile = decile;
                string line = $"{title}: {done}/{total} {description}";
                if (log is not null) log.Line(line);
                else Console.Out.WriteLine(line);
            }
        };
    }

    /// <summary>"1m 05s" / "12.3 s".</summary>
    public static string Duration(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s" : $"{t.TotalSeconds:0.0} s";
}
