using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public class WorkLedgerTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Working_time_runs_from_the_first_grant_to_the_last_result_over_all_nodes()
    {
        var items = Enumerable.Range(0, 4).Select(i => new VolumeWorkItem($"v{i}", $"/in/v{i}.nii.gz")).ToList();
        var ledger = new WorkLedger(items, []);
        Assert.Null(ledger.WorkingTime());

        var a = ledger.Grant("node-a", 2, T0.AddSeconds(10), TimeSpan.FromMinutes(5))!;
        var b = ledger.Grant("node-b", 2, T0.AddSeconds(12), TimeSpan.FromMinutes(5))!;
        Assert.Null(ledger.WorkingTime()); // leases but no result yet

        ledger.Complete(a.Items[0].Id, "node-a", T0.AddSeconds(13));
        ledger.Complete(b.Items[0].Id, "node-b", T0.AddSeconds(15));
        ledger.Fail(b.Items[1].Id, "node-b", T0.AddSeconds(16));
        ledger.Complete(a.Items[1].Id, "node-a", T0.AddSeconds(14));

        Assert.Equal(TimeSpan.FromSeconds(6), ledger.WorkingTime());
    }

    [Fact]
    public void Summary_rate_counts_only_this_runs_results()
    {
        var summary = new JobSummary(Total: 10, Done: 8, Failed: 2, SkippedFromJournal: 4, Requeued: 0, DuplicatesIgnored: 0,
            Elapsed: TimeSpan.FromSeconds(30), Nodes: [], Working: TimeSpan.FromSeconds(3));
        Assert.Equal(2.0, summary.ItemsPerSecond, 6); // (8 + 2 - 4) / 3 s
        Assert.Equal(0.0, summary with { Working = null } is { } s ? s.ItemsPerSecond : -1);
    }
}
