using System.Globalization;
using Spark3D.Actors.Pipeline;
using Spark3D.Training.Telemetry;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Spark3D.Host.Pretrain;

/// <summary>
/// Shows a run's progress until it completes: a live Spectre.Console table (step/total, ETA, patches/s, channel depths,
/// data-wait, loss, lr, restarts, quarantined) on a terminal, or one plain line per interval when the output is
/// redirected (or the view is off). Used by pretrain and finetune (which adds its validation pseudo-Dice).
/// </summary>
/// <remarks>Plain lines go through <paramref name="log"/> when given, so they also land in the run's log file (and
/// --quiet silences them on the console); the live table is the console's alone. While the table is up, the same plain
/// line goes to <paramref name="record"/> (the run's log file only) at the same interval, so the file is a complete
/// record of the run either way.</remarks>
public sealed class ConsoleProgressView(TelemetryOptions options, string title = "spark3d pretrain", ILogger? log = null, ILogger? record = null)
{
    /// <summary>True when the live view will be used (on, or auto on a terminal).</summary>
    public bool IsLive => options.Console switch
    {
        ConsoleViewMode.On => true,
        ConsoleViewMode.Off => false,
        _ => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive,
    };

    /// <summary>Displays <paramref name="run"/> until its completion task ends.</summary>
    public Task ShowAsync(PipelineRun run) => IsLive ? LiveAsync(run) : PlainAsync(run);

    private async Task PlainAsync(PipelineRun run)
    {
        while (true)
        {
            var finished = await Task.WhenAny(run.Completion, Task.Delay(options.PlainInterval)).ConfigureAwait(false);
            if (finished == run.Completion) return;
            string line = ProgressLine.Format(run.Metrics.Snapshot());
            if (log is not null) log.Line(line);
            else Console.Out.WriteLine(line);
        }
    }

    // The live table's refresh; the file's record keeps the plain interval (options.PlainInterval), checked at each refresh.
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private async Task LiveAsync(PipelineRun run)
    {
        var table = BuildTable(run.Metrics.Snapshot());
        var sinceRecord = System.Diagnostics.Stopwatch.StartNew();
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            while (true)
            {
                var finished = await Task.WhenAny(run.Completion, Task.Delay(RefreshInterval)).ConfigureAwait(false);
                var status = run.Metrics.Snapshot();
                ctx.UpdateTarget(BuildTable(status));
                ctx.Refresh();
                if (finished == run.Completion) return;
                if (record is not null && sinceRecord.Elapsed >= options.PlainInterval)
                {
                    record.Line(ProgressLine.Format(status));
                    sinceRecord.Restart();
                }
            }
        }).ConfigureAwait(false);
    }

    private Table BuildTable(PipelineStatus s)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
        t.AddColumn("progress");
        t.AddColumn("data");
        t.AddColumn("model");
        double fraction = s.TotalSteps > 0 ? Math.Clamp((double)s.Step / s.TotalSteps, 0, 1) : 0;
        string bar = new string('#', (int)(fraction * 20)).PadRight(20, '.');
        t.AddRow(
            Inv($"step {s.Step}/{s.TotalSteps}\n[{bar}] {fraction:P0}\nETA {ProgressLine.Eta(s.Eta)}  elapsed {s.Elapsed:h\\:mm\\:ss}"),
            Inv($"{s.PatchesPerSecond:F1} patches/s  {s.BatchesPerSecond:F2} batches/s\nqueues volumes {s.VolumeDepth}  patches {s.PatchDepth}  batches {s.BatchDepth}\ndata-wait {s.DataWaitFraction:P0}  epoch {s.Epoch} pos {s.Position}"),
            Inv($"loss {Num(s.LossLast, "F4")} (first {Num(s.LossFirst, "F4")})\nlr {Num(s.LearningRate, "G3")}  step {s.MeanStepSeconds:F2} s\nrestarts {s.Restarts}  quarantined {s.Quarantined}") +
            (s.PseudoDice is null ? "" : "\n" + Markup.Escape(ProgressLine.Dice(s).Trim())));
        return t;
    }

    private static string Inv(FormattableString s) => Markup.Escape(s.ToString(CultureInfo.InvariantCulture));

    private static string Num(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
}
