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

        ledger.Complete(a.Items[0].Id, a.LeaseId, "node-a", T0.AddSeconds(13));
        ledger.Complete(b.Items[0].Id, b.LeaseId, "node-b", T0.AddSeconds(15));
        ledger.Fail(b.Items[1].Id, b.LeaseId, "node-b", T0.AddSeconds(16));
        ledger.Complete(a.Items[1].Id, a.LeaseId, "node-a", T0.AddSeconds(14));

        Assert.Equal(TimeSpan.FromSeconds(6), ledger.WorkingTime());
    }

    [Fact]
    public void A_result_counts_only_under_a_lease_granted_to_that_node_for_that_item()
    {
        var items = Enumerable.Range(0, 3).Select(i => new VolumeWorkItem($"v{i}", $"/in/v{i}.nii.gz")).ToList();
        var ledger = new WorkLedger(items, []);
        var a = ledger.Grant("node-a", 1, T0, TimeSpan.FromSeconds(10))!;
        var b = ledger.Grant("node-b", 1, T0, TimeSpan.FromSeconds(60))!;
        Assert.NotEqual(a.LeaseId, b.LeaseId);

        Assert.Equal(ResultOutcome.LeaseMismatch, ledger.Complete("v0", b.LeaseId, "node-b", T0)); // b's lease, a's item
        Assert.Equal(ResultOutcome.LeaseMismatch, ledger.Complete("v0", a.LeaseId, "node-b", T0)); // a's lease, reported by b
        Assert.Equal(ResultOutcome.LeaseMismatch, ledger.Complete("v2", a.LeaseId, "node-a", T0)); // never granted
        Assert.Equal(ResultOutcome.Unknown, ledger.Complete("zz", a.LeaseId, "node-a", T0));
        Assert.Equal((3, 0, 2), (ledger.LeaseMismatches, ledger.Done, ledger.Leased));

        // a's lease times out and v0 goes to c; a's late result still counts (first wins), c's is then a duplicate.
        Assert.Equal(1, ledger.RequeueExpired(T0.AddSeconds(11)));
        var c = ledger.Grant("node-c", 1, T0.AddSeconds(12), TimeSpan.FromSeconds(10))!;
        Assert.Equal("v0", Assert.Single(c.Items).Id);
        Assert.Equal(ResultOutcome.Accepted, ledger.Complete("v0", a.LeaseId, "node-a", T0.AddSeconds(13)));
        Assert.Equal(ResultOutcome.Duplicate, ledger.Complete("v0", c.LeaseId, "node-c", T0.AddSeconds(14)));
        Assert.Equal(ResultOutcome.LeaseMismatch, ledger.Complete("v0", "0123456789abcdef0123456789abcdef", "node-c", T0.AddSeconds(14)));
        Assert.Equal((1, 1, 4), (ledger.Done, ledger.DuplicatesIgnored, ledger.LeaseMismatches));
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
