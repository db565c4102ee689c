using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Spark3D.Actors.Cluster;
using Spark3D.Actors.Tests.Logging;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>
/// Three ActorSystems on 127.0.0.1 (coordinator + two workers) process 30 small real files, 5 of them invalid; one
/// worker goes away mid-run. Every item must end in the output exactly once, none lost, failures recorded.
/// </summary>
public sealed class PreprocessClusterTests
{
    private const int ItemCount = 30;
    private const int InvalidEvery = 6;
    private static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(150);

    private static readonly PreprocessJobOptions Job = new()
    {
        LeaseTimeout = TimeSpan.FromSeconds(30), // node loss, not the timeout, must trigger the re-queue here
        LeaseCheckInterval = TimeSpan.FromMilliseconds(200),
        RequestBatchSize = 2,
        WorkerParallelism = 2,
        RegistrationRetryInterval = TimeSpan.FromMilliseconds(300),
        NoWorkRetryInterval = TimeSpan.FromMilliseconds(100),
        RequestTimeout = TimeSpan.FromSeconds(3),
    };

    private static ClusterNodeOptions FastNode(params string[] seeds) => new()
    {
        Seeds = seeds,
        StableAfter = TimeSpan.FromSeconds(2),
        GossipInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        AcceptableHeartbeatPause = TimeSpan.FromSeconds(2),
        LogLevel = "WARNING",
    };

    [Fact]
    public async Task Every_item_ends_exactly_once_when_a_worker_leaves_mid_run()
    {
        using var set = new TestVolumeSet(ItemCount, InvalidEvery);
        using var journal = new JsonLinesWorkJournal(set.JournalPath);
        using var metrics = new ClusterMetrics();
        using var meter = new MeterRecorder(metrics);
        var coordinator = PreprocessCluster.StartCoordinator(FastNode(), Job, set.Items, journal, metrics: metrics);
        var seed = SeedOf(coordinator.Address);
        var workerA = PreprocessCluster.StartWorker(FastNode(seed), Job, new DerivedFileJob(set.OutputDir, WorkTime));
        var workerB = PreprocessCluster.StartWorker(FastNode(seed), Job, new DerivedFileJob(set.OutputDir, WorkTime));
        try
        {
            await WaitUntilCompleted(workerB.Worker, atLeast: 3);
            var members = meter.ObserveMembersByRole();
            for (var i = 0; i < 50 && members.GetValueOrDefault(ClusterRoles.Preprocess) < 2; i++)
            {
                await Task.Delay(100); // membership gossip may trail the first results
                members = meter.ObserveMembersByRole();
            }

            Assert.Equal((1, 2), (members.GetValueOrDefault(ClusterRoles.Coordinator), members.GetValueOrDefault(ClusterRoles.Preprocess)));
            await workerB.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));

            var summary = await coordinator.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            AssertEveryItemExactlyOnce(set, journal, summary);
            Assert.Equal(summary.Done, meter.Completed);
            Assert.Equal(summary.Failed, meter.Failed);
            Assert.Contains(summary.Nodes, n => n.Node == workerB.Address.ToString() && n.Completed + n.Failed >= 3);
            Assert.Contains(summary.Nodes, n => n.Node == workerA.Address.ToString() && n.Completed > 0);
            Assert.True((await workerA.Completion.WaitAsync(TimeSpan.FromSeconds(10))).AllWorkDone);
        }
        finally
        {
            await workerA.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
            await coordinator.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task Leases_of_a_crashed_worker_are_requeued_when_it_becomes_unreachable()
    {
        using var set = new TestVolumeSet(ItemCount, InvalidEvery, seed: 11);
        using var journal = new JsonLinesWorkJournal(set.JournalPath);
        var coordinator = PreprocessCluster.StartCoordinator(FastNode(), Job, set.Items, journal);
        var seed = SeedOf(coordinator.Address);
        var workerA = PreprocessCluster.StartWorker(FastNode(seed), Job, new DerivedFileJob(set.OutputDir, WorkTime));

        // Worker B as a host would build it by hand, but terminating without leaving the cluster (a crash).
        var crashConfig = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off")
            .WithFallback(ClusterConfig.Build(FastNode(seed) with { Roles = [ClusterRoles.Preprocess] }));
        var systemB = ActorSystem.Create("spark3d", crashConfig);
        var proxyB = PreprocessCluster.StartCoordinatorProxy(systemB);
        var workerB = systemB.ActorOf(PreprocessWorker.Props(proxyB, new DerivedFileJob(set.OutputDir, WorkTime), Job), PreprocessCluster.WorkerName);
        try
        {
            await WaitUntilCompleted(workerB, atLeast: 3);
            await systemB.Terminate().WaitAsync(TimeSpan.FromSeconds(15));

            var summary = await coordinator.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            AssertEveryItemExactlyOnce(set, journal, summary);
            Assert.True(summary.Requeued >= 1, $"expected the crashed worker's leases to be re-queued, got {summary.Requeued}");
            var status = await coordinator.GetStatusAsync(TimeSpan.FromSeconds(5));
            Assert.True(status.IsComplete);
            Assert.Contains(status.Members, m => m.Roles.Contains(ClusterRoles.Coordinator));
        }
        finally
        {
            await systemB.Terminate().WaitAsync(TimeSpan.FromSeconds(15));
            await workerA.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
            await coordinator.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task A_working_coordinator_finishes_alone_and_a_restart_skips_journaled_items()
    {
        using var set = new TestVolumeSet(12, invalidEvery: 0, seed: 3);
        var firstTen = set.Items.Take(10).ToList();
        var firstJob = new DerivedFileJob(set.OutputDir, TimeSpan.Zero);
        using (var journal = new JsonLinesWorkJournal(set.JournalPath))
        {
            var first = PreprocessCluster.StartCoordinator(FastNode(), Job, firstTen, journal, localJob: firstJob);
            try
            {
                var summary = await first.Completion.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal((10, 10, 0), (summary.Total, summary.Done, summary.SkippedFromJournal));
                Assert.Equal(first.Address.ToString(), Assert.Single(summary.Nodes).Node);
            }
            finally
            {
                await first.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }

        // Same journal, two more volumes: only the new ones run.
        var secondJob = new DerivedFileJob(set.OutputDir, TimeSpan.Zero);
        using (var journal = new JsonLinesWorkJournal(set.JournalPath))
        {
            var second = PreprocessCluster.StartCoordinator(FastNode(), Job, set.Items, journal, localJob: secondJob);
            try
            {
                var summary = await second.Completion.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal((12, 12, 10), (summary.Total, summary.Done, summary.SkippedFromJournal));
                Assert.Equal(["vol010", "vol011"], secondJob.Runs.Keys.Order());
                Assert.Equal(set.Items.Select(i => i.Id), journal.Load().Select(e => e.Id).Order());
            }
            finally
            {
                await second.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }

        Assert.All(firstJob.Runs.Values, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public async Task A_failed_volume_is_one_warning_with_its_exception_on_a_working_coordinator()
    {
        using var set = new TestVolumeSet(3, invalidEvery: 0, seed: 5);
        using var journal = new JsonLinesWorkJournal(set.JournalPath);
        var collector = new LogCollector();
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(collector));
        var coordinator = PreprocessCluster.StartCoordinator(FastNode() with { LogLevel = "INFO" }, Job, set.Items, journal, localJob: new FailingJob("vol001"), logs: logs);
        try
        {
            var summary = await coordinator.Completion.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal((3, 2, 1), (summary.Total, summary.Done, summary.Failed));
        }
        finally
        {
            await coordinator.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }

        // The worker's warning carries the exception (its stack trace goes to the log file); the coordinator's own
        // "failed on" line for its own node is info, so the console shows the failure once.
        var aboutIt = collector.Snapshot().Where(e => e.Message.Contains("'vol001' failed", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(aboutIt, e => e.Level >= LogLevel.Warning);
        Assert.Equal("akka", warning.Category);
        Assert.IsType<InvalidDataException>(warning.Error);
        Assert.Contains(aboutIt, e => e.Level < LogLevel.Warning && e.Message.Contains("failed on", StringComparison.Ordinal));
    }

    private sealed class FailingJob(string failingId) : IVolumeJob
    {
        public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct) =>
            item.Id == failingId ? throw new InvalidDataException($"{item.Id}: not a volume") : VolumeJobResult.Ok(item.Id + ".out", "00");
    }

    private static string SeedOf(Address address) => $"{address.Host}:{address.Port}";

    private static async Task WaitUntilCompleted(IActorRef worker, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var status = await worker.Ask<WorkerStatus>(GetWorkerStatus.Instance, TimeSpan.FromSeconds(2));
            if (status.Completed + status.Failed >= atLeast)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"worker did not finish {atLeast} items within 20 s");
    }

    private static void AssertEveryItemExactlyOnce(TestVolumeSet set, IWorkJournal journal, JobSummary summary)
    {
        var validIds = set.Items.Where(i => !set.InvalidIds.Contains(i.Id)).Select(i => i.Id).ToHashSet();
        Assert.Equal((ItemCount, validIds.Count, set.InvalidIds.Count), (summary.Total, summary.Done, summary.Failed));
        Assert.Equal(ItemCount / InvalidEvery, set.InvalidIds.Count);

        // Output: one file per valid item, byte-identical to what its source must produce; no temp files left.
        var outputs = Directory.GetFiles(set.OutputDir, "*.out").Select(f => Path.GetFileNameWithoutExtension(f)!).ToHashSet();
        Assert.Equal(validIds, outputs);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Directory.GetFiles(set.OutputDir, "*.tmp").Length > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.Empty(Directory.GetFiles(set.OutputDir, "*.tmp"));

        // Journal: every id exactly once; done hashes match the files; failed ones are exactly the invalid inputs.
        var entries = journal.Load();
        Assert.Equal(ItemCount, entries.Count);
        Assert.Equal(set.Items.Select(i => i.Id).ToHashSet(), entries.Select(e => e.Id).ToHashSet());
        foreach (var item in set.Items)
        {
            var entry = entries.Single(e => e.Id == item.Id);
            if (set.InvalidIds.Contains(item.Id))
            {
                Assert.False(entry.Succeeded);
                Assert.Contains("bad magic", entry.Reason, StringComparison.Ordinal);
                continue;
            }

            Assert.True(entry.Succeeded, entry.Reason);
            var bytes = File.ReadAllBytes(Path.Combine(set.OutputDir, entry.OutputPath!));
            Assert.Equal(DerivedFileJob.Derive(File.ReadAllBytes(item.SourcePath)), bytes);
            Assert.Equal(DerivedFileJob.Hex(SHA256.HashData(bytes)), entry.ContentHash);
        }
    }
}
