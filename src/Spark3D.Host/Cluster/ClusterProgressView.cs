using System.Globalization;
using Spark3D.Actors.Cluster;
using Microsoft.Extensions.Logging;
using Spark3D.Training.Telemetry;
using Spectre.Console;

namespace Spark3D.Host.Cluster;

/// <summary>
/// The coordinator's progress view: polls <see cref="PreprocessCoordinatorNode.GetStatusAsync"/> and shows members
/// (address, roles, status), done/failed/pending/leased counts, re-queues, duplicates and per-node throughput.
/// A live table on a terminal; on redirected output one line whenever a count changes (so logs show re-queues).
/// The lines go through <c>log</c> when given (console and the coordinator's log file); while the table is shown they go
/// to <c>record</c> (the log file only), so the file is a complete record either way.
/// </summary>
internal static class ClusterProgressView
{
    public static async Task<JobSummary> RunAsync(PreprocessCoordinatorNode node, IAnsiConsole console, TimeSpan pollInterval,
        ILogger? log = null, ILogger? record = null)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            JobSummary? summary = null;
            var lines = record is null ? null : ChangedLines(record);
            await console.Live(new Markup("starting the cluster…")).AutoClear(false).StartAsync(async ctx =>
            {
                while (!node.Completion.IsCompleted)
                {
                    var status = await TryStatus(node).ConfigureAwait(false);
                    if (status is not null)
                    {
                        ctx.UpdateTarget(Table(status));
                        lines?.Invoke(status);
                    }
                    await Task.WhenAny(node.Completion, Task.Delay(pollInterval)).ConfigureAwait(false);
                }
                summary = await node.Completion.ConfigureAwait(false);
                var last = await TryStatus(node).ConfigureAwait(false);
                if (last is not null) ctx.UpdateTarget(Table(last));
            }).ConfigureAwait(false);
            return summary!;
        }

        var plain = ChangedLines(log);
        while (!node.Completion.IsCompleted)
        {
            var status = await TryStatus(node).ConfigureAwait(false);
            if (status is not null) plain(status);
            await Task.WhenAny(node.Completion, Task.Delay(pollInterval)).ConfigureAwait(false);
        }
        return await node.Completion.ConfigureAwait(false);
    }

    // Writes the status line when it differs from the last one, to log (or the console when there is none).
    private static Action<ClusterStatus> ChangedLines(ILogger? log)
    {
        string? previous = null;
        return status =>
        {
            string line = Line(status);
            if (line == previous) return;
            previous = line;
            if (log is not null) log.Line(line);
            else Console.Out.WriteLine(line);
        };
    }

    private static async Task<ClusterStatus?> TryStatus(PreprocessCoordinatorNode node)
    {
        try
        {
            return await node.GetStatusAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TaskCanceledException)
        {
            return null; // singleton not up yet, or busy: try again next tick
        }
    }

    /// <summary>One-line status (redirected output, logs).</summary>
    public static string Line(ClusterStatus s)
    {
        string members = string.Join(", ", s.Members.Select(m =>
            $"{Short(m.Address)} {m.Status.ToLowerInvariant()}{(m.Reachable ? "" : " UNREACHABLE")} [{string.Join('+', m.Roles)}]"));
        string nodes = string.Join(", ", s.Nodes.Select(n =>
            $"{Short(n.Node)} {n.Completed}+{n.Failed}f {n.ItemsPerSecond.ToString("0.00", CultureInfo.InvariantCulture)}/s"));
        return $"cluster: done {s.Done} failed {s.Failed} of {s.Total} | pending {s.Pending} leased {s.Leased} | " +
               $"requeued {s.Requeued} duplicates {s.DuplicatesIgnored} skipped {s.SkippedFromJournal} | members {s.Members.Count}: {members} | nodes: {nodes}";
    }

    private static Table Table(ClusterStatus s)
    {
        var t = new Table().Title($"preprocess --cluster: {s.Done + s.Failed}/{s.Total} finished")
            .AddColumn("done").AddColumn("failed").AddColumn("pending").AddColumn("leased").AddColumn("re-queued").AddColumn("duplicates").AddColumn("from manifest");
        t.AddRow(I(s.Done), I(s.Failed), I(s.Pending), I(s.Leased), I(s.Requeued), I(s.DuplicatesIgnored), I(s.SkippedFromJournal));
        var members = new Table().Title("members").AddColumn("address").AddColumn("roles").AddColumn("status").AddColumn("items/s").AddColumn("ok").AddColumn("failed");
        foreach (var m in s.Members)
        {
            var n = s.Nodes.FirstOrDefault(x => x.Node == m.Address);
            members.AddRow(Markup.Escape(Short(m.Address)), Markup.Escape(string.Join(", ", m.Roles)),
                Markup.Escape(m.Status + (m.Reachable ? "" : " (unreachable)")),
                n is null ? "-" : n.ItemsPerSecond.ToString("0.00", CultureInfo.InvariantCulture), n is null ? "-" : I(n.Completed), n is null ? "-" : I(n.Failed));
        }
        return new Table().NoBorder().AddColumn("").AddRow(t).AddRow(members);
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Short(string address)
    {
        int at = address.IndexOf('@', StringComparison.Ordinal);
        return at >= 0 ? address[(at + 1)..] : address;
    }
}
