using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public sealed class PreprocessCoordinatorTests : TestKit
{
    private const string W1 = "akka.tcp://spark3d@10.0.0.1:5001";
    private const string W2 = "akka.tcp://spark3d@10.0.0.2:5002";

    private static readonly PreprocessJobOptions FastLeases = new()
    {
        LeaseTimeout = TimeSpan.FromMilliseconds(400),
        LeaseCheckInterval = TimeSpan.FromMilliseconds(50),
        RequestBatchSize = 2,
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spark3d-coord-" + Guid.NewGuid().ToString("N"));

    public PreprocessCoordinatorTests()
        : base(ClusterConfig.Build(new ClusterNodeOptions()))
    {
        Directory.CreateDirectory(_dir);
    }

    private static IReadOnlyList<VolumeWorkItem> Items(params string[] ids) => ids.Select(id => new VolumeWorkItem(id, "/in/" + id)).ToList();

    private string JournalPath => Path.Combine(_dir, "manifest.jsonl");

    [Fact]
    public void Grants_respect_the_batch_cap_and_say_no_work_yet_while_leases_are_out()
    {
        using var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b", "c"), journal, FastLeases with { LeaseTimeout = TimeSpan.FromMinutes(1) }));
        var w1 = CreateTestProbe();

        coordinator.Tell(new RequestWork(W1, 10), w1);
        Assert.Equal(2, w1.ExpectMsg<WorkGranted>().Items.Count);
        coordinator.Tell(new RequestWork(W1, 10), w1);
        Assert.Equal(["c"], w1.ExpectMsg<WorkGranted>().Items.Select(i => i.Id));
        coordinator.Tell(new RequestWork(W1, 10), w1);
        w1.ExpectMsg<NoWorkYet>();
    }

    [Fact]
    public void Expired_leases_are_requeued_and_granted_again_and_counted_by_the_meter()
    {
        using var metrics = new ClusterMetrics();
        long requeuedMeasured = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == "spark3d.cluster.items.requeued")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref requeuedMeasured, value));
        listener.Start();

        using var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b", "c"), journal, FastLeases, metrics));
        var w1 = CreateTestProbe();
        var w2 = CreateTestProbe();

        coordinator.Tell(new RequestWork(W1, 2), w1);
        var first = w1.ExpectMsg<WorkGranted>();
        Assert.Equal(["a", "b"], first.Items.Select(i => i.Id));
        coordinator.Tell(new RequestWork(W2, 2), w2);
        var second = w2.ExpectMsg<WorkGranted>();
        coordinator.Tell(new WorkCompleted("c", second.LeaseId, W2, "c.out", "hc", ""), w2);

        // W1 never reports: after the lease timeout a and b go back to the queue and W2 gets them.
        AwaitAssert(
            () =>
            {
                coordinator.Tell(GetClusterStatus.Instance, TestActor);
                var status = ExpectMsg<ClusterStatus>();
                Assert.Equal(2, status.Requeued);
                Assert.Equal(2, status.Pending);
                Assert.Equal(0, status.Leased);
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(100));
        coordinator.Tell(new RequestWork(W2, 2), w2);
        var regranted = w2.ExpectMsg<WorkGranted>();
        Assert.Equal(["a", "b"], regranted.Items.Select(i => i.Id).Order());
        Assert.NotEqual(first.LeaseId, regranted.LeaseId);
        Assert.Equal(2, Interlocked.Read(ref requeuedMeasured));
    }

    [Fact]
    public void A_duplicate_result_after_requeue_is_ignored_and_journaled_once()
    {
        var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b"), journal, FastLeases));
        var w1 = CreateTestProbe();
        var w2 = CreateTestProbe();
        var waiter = CreateTestProbe();
        coordinator.Tell(AwaitCompletion.Instance, waiter);

        coordinator.Tell(new RequestWork(W1, 2), w1);
        var lease1 = w1.ExpectMsg<WorkGranted>();
        WorkGranted? lease2 = null;
        AwaitAssert(
            () =>
            {
                coordinator.Tell(new RequestWork(W2, 2), w2);
                lease2 = w2.ExpectMsg<WorkGranted>();
                Assert.Equal(2, lease2.Items.Count);
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(150));
        var other = lease2!.LeaseId;

        // The slow first holder reports a under its timed-out lease (still accepted: the item is not finished); the new
        // holder then reports a again (its run was redundant) and finishes b.
        coordinator.Tell(new WorkCompleted("a", lease1.LeaseId, W1, "a.out", "ha", ""), w1);
        coordinator.Tell(new WorkCompleted("a", other, W2, "a.out", "ha", ""), w2);
        coordinator.Tell(new WorkFailed("b", other, W2, "bad magic"), w2);
        coordinator.Tell(new WorkCompleted("b", other, W2, "b.out", "hb", ""), w2);
        coordinator.Tell(new WorkCompleted("zzz", other, W2, "z.out", "hz", ""), w2);

        // The summary is taken when the last item finishes (after b's failure); b's late success is a duplicate too.
        var summary = waiter.ExpectMsg<JobSummary>();
        Assert.Equal((2, 1, 1, 1), (summary.Total, summary.Done, summary.Failed, summary.DuplicatesIgnored));
        Assert.True(summary.IsComplete);
        Assert.Equal([W1, W2], summary.Nodes.Select(n => n.Node));
        Assert.Equal((1, 0), (summary.Nodes[0].Completed, summary.Nodes[0].Failed));
        Assert.Equal((0, 1), (summary.Nodes[1].Completed, summary.Nodes[1].Failed));

        coordinator.Tell(GetClusterStatus.Instance, TestActor);
        var status = ExpectMsg<ClusterStatus>();
        Assert.Equal((1, 1, 2), (status.Done, status.Failed, status.DuplicatesIgnored));

        Watch(coordinator);
        Sys.Stop(coordinator);
        ExpectTerminated(coordinator);
        journal.Dispose();
        using var reopened = new JsonLinesWorkJournal(JournalPath);
        var entries = reopened.Load();
        Assert.Equal(["a", "b"], entries.Select(e => e.Id));
        Assert.Equal((W1, true, "ha"), (entries[0].Node, entries[0].Succeeded, entries[0].ContentHash));
        Assert.Equal((false, "bad magic"), (entries[1].Succeeded, entries[1].Reason));
    }

    [Fact]
    public void Results_without_a_matching_lease_or_with_a_path_outside_the_output_are_ignored_and_counted()
    {
        using var metrics = new ClusterMetrics();
        using var rejected = new RejectionRecorder(metrics);
        using var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b"), journal, FastLeases with { LeaseTimeout = TimeSpan.FromMinutes(1) }, metrics));
        var w1 = CreateTestProbe();
        var w2 = CreateTestProbe();
        coordinator.Tell(new RequestWork(W1, 1), w1);
        var leaseA = w1.ExpectMsg<WorkGranted>();
        Assert.Equal("a", Assert.Single(leaseA.Items).Id);
        Assert.Matches("^[0-9a-f]{32}$", leaseA.LeaseId);
        coordinator.Tell(new RequestWork(W2, 1), w2);
        var leaseB = w2.ExpectMsg<WorkGranted>();

        coordinator.Tell(new WorkCompleted("a", "guessed", W1, "a.out", "h", ""), w1);          // lease never granted
        coordinator.Tell(new WorkCompleted("a", leaseA.LeaseId, W2, "a.out", "h", ""), w2);     // another node's lease
        coordinator.Tell(new WorkFailed("a", leaseB.LeaseId, W2, "forged"), w2);               // a lease for another item
        coordinator.Tell(new WorkCompleted("a", leaseA.LeaseId, W1, "../../etc/cron.d/x", "h", ""), w1);
        coordinator.Tell(new WorkCompleted("a", leaseA.LeaseId, W1, "/etc/passwd", "h", ""), w1);
        coordinator.Tell(new WorkCompleted("nope", leaseA.LeaseId, W1, "n.out", "h", ""), w1);
        coordinator.Tell(GetClusterStatus.Instance, TestActor);
        var status = ExpectMsg<ClusterStatus>();
        Assert.Equal((0, 0, 2), (status.Done, status.Failed, status.Leased));
        Assert.Empty(journal.Load());
        Assert.Equal(3, rejected.Count("result", "lease-mismatch"));
        Assert.Equal(2, rejected.Count("result", "path-outside-output"));
        Assert.Equal(1, rejected.Count("result", "unknown-item"));

        // The holders' own results still count.
        coordinator.Tell(new WorkCompleted("a", leaseA.LeaseId, W1, "sub/a.out", "ha", ""), w1);
        coordinator.Tell(new WorkFailed("b", leaseB.LeaseId, W2, "bad magic"), w2);
        coordinator.Tell(AwaitCompletion.Instance, TestActor);
        var summary = ExpectMsg<JobSummary>();
        Assert.Equal((1, 1), (summary.Done, summary.Failed));
        Assert.Equal("sub/a.out", journal.Load().Single(e => e.Id == "a").OutputPath);
    }

    [Theory]
    [InlineData("a.s3d", true)]
    [InlineData("sub/dir/a.s3d", true)]
    [InlineData("a..b.s3d", true)]
    [InlineData("", false)]
    [InlineData("../a.s3d", false)]
    [InlineData("sub/../../a.s3d", false)]
    [InlineData("sub\\..\\..\\a.s3d", false)]
    [InlineData("/abs/a.s3d", false)]
    [InlineData("\\\\server\\share\\a", false)]
    [InlineData("C:\\a.s3d", false)]
    [InlineData("sub//a.s3d", false)]
    [InlineData("./a.s3d", false)]
    [InlineData("a\u0000.s3d", false)]
    public void Output_paths_must_stay_inside_the_output_folder(string path, bool confined)
    {
        Assert.Equal(confined, ResultPaths.Problem(path) is null);
        if (confined)
        {
            var root = Path.GetFullPath(_dir) + Path.DirectorySeparatorChar;
            Assert.StartsWith(root, Path.GetFullPath(Path.Combine(root, path)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_restarted_coordinator_resumes_from_the_journal()
    {
        var w1 = CreateTestProbe();
        using (var journal = new JsonLinesWorkJournal(JournalPath))
        {
            var first = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b", "c", "d"), journal, FastLeases));
            first.Tell(new RequestWork(W1, 2), w1);
            var grant = w1.ExpectMsg<WorkGranted>();
            first.Tell(new WorkCompleted("a", grant.LeaseId, W1, "a.out", "ha", ""), w1);
            first.Tell(new WorkFailed("b", grant.LeaseId, W1, "bad"), w1);
            first.Tell(GetClusterStatus.Instance, TestActor);
            var status = ExpectMsg<ClusterStatus>();
            Assert.Equal((1, 1), (status.Done, status.Failed));
            Watch(first);
            Sys.Stop(first);
            ExpectTerminated(first);
        }

        using var resumedJournal = new JsonLinesWorkJournal(JournalPath);
        var resumed = Sys.ActorOf(PreprocessCoordinator.Props(Items("a", "b", "c", "d"), resumedJournal, FastLeases));
        resumed.Tell(new RequestWork(W1, 2), w1);
        var again = w1.ExpectMsg<WorkGranted>();
        Assert.Equal(["c", "d"], again.Items.Select(i => i.Id));
        resumed.Tell(new WorkCompleted("c", again.LeaseId, W1, "c.out", "hc", ""), w1);
        resumed.Tell(new WorkCompleted("d", again.LeaseId, W1, "d.out", "hd", ""), w1);
        resumed.Tell(AwaitCompletion.Instance, TestActor);
        var summary = ExpectMsg<JobSummary>();
        Assert.Equal((4, 3, 1, 2), (summary.Total, summary.Done, summary.Failed, summary.SkippedFromJournal));
        Assert.Equal(["a", "b", "c", "d"], resumedJournal.Load().Select(e => e.Id));
    }

    [Fact]
    public void Completion_is_pushed_to_registered_workers_and_answered_to_late_requests()
    {
        using var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(Items("a"), journal, FastLeases));
        var w1 = CreateTestProbe();
        var w2 = CreateTestProbe();
        coordinator.Tell(new RegisterWorker(W2, 1), w2);
        w2.ExpectMsg<WorkerRegistered>();
        coordinator.Tell(new RequestWork(W1, 1), w1);
        var grant = w1.ExpectMsg<WorkGranted>();
        coordinator.Tell(new WorkCompleted("a", grant.LeaseId, W1, "a.out", "ha", ""), w1);

        w2.ExpectMsg<AllWorkDone>();
        w1.ExpectMsg<AllWorkDone>();
        coordinator.Tell(new RequestWork(W2, 1), w2);
        w2.ExpectMsg<AllWorkDone>();
    }

    [Fact]
    public void An_empty_work_list_is_complete_at_once()
    {
        using var journal = new JsonLinesWorkJournal(JournalPath);
        var coordinator = Sys.ActorOf(PreprocessCoordinator.Props([], journal, FastLeases));
        coordinator.Tell(AwaitCompletion.Instance, TestActor);
        var summary = ExpectMsg<JobSummary>();
        Assert.Equal((0, 0, 0), (summary.Total, summary.Done, summary.Failed));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
