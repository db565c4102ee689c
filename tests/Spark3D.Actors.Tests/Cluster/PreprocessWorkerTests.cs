using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public sealed class PreprocessWorkerTests : TestKit
{
    public PreprocessWorkerTests()
        : base(ClusterConfig.Build(new ClusterNodeOptions()))
    {
    }

    [Fact]
    public async Task Registers_with_retries_keeps_parallelism_in_flight_and_reports_real_results()
    {
        using var set = new TestVolumeSet(3, invalidEvery: 3); // vol002 is invalid
        var job = new DerivedFileJob(set.OutputDir, TimeSpan.FromMilliseconds(600));
        var coordinator = CreateTestProbe();
        var options = new PreprocessJobOptions
        {
            WorkerParallelism = 2,
            RequestBatchSize = 4,
            RegistrationRetryInterval = TimeSpan.FromMilliseconds(200),
            NoWorkRetryInterval = TimeSpan.FromMilliseconds(100),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        var worker = Sys.ActorOf(PreprocessWorker.Props(coordinator, job, options));

        // Unanswered registration is repeated.
        coordinator.ExpectMsg<RegisterWorker>();
        coordinator.ExpectMsg<RegisterWorker>(r => Assert.Equal(2, r.Parallelism));
        coordinator.Reply(new WorkerRegistered("akka.tcp://spark3d@127.0.0.1:1"));
        var request = (RequestWork)coordinator.FishForMessage(m => m is RequestWork);
        Assert.Equal(2, request.Count);
        coordinator.Reply(new WorkGranted([set.Items[0], set.Items[1]], "L1", DateTime.UtcNow.AddMinutes(1)));

        // Both jobs block their own threads; the actor still answers at once.
        var status = await worker.Ask<WorkerStatus>(GetWorkerStatus.Instance, TimeSpan.FromMilliseconds(300));
        Assert.Equal((true, 2), (status.Registered, status.InFlight));

        var received = coordinator.ReceiveN(3, TimeSpan.FromSeconds(5));
        var completed = received.OfType<WorkCompleted>().ToList();
        var more = received.OfType<RequestWork>().ToList();
        Assert.Equal(["vol000", "vol001"], completed.Select(c => c.Id).Order());
        foreach (var c in completed)
        {
            Assert.Equal("L1", c.LeaseId);
            var expected = DerivedFileJob.Derive(File.ReadAllBytes(set.Items.Single(i => i.Id == c.Id).SourcePath));
            Assert.Equal(DerivedFileJob.Hex(SHA256.HashData(expected)), c.ContentHash);
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(set.OutputDir, c.OutputPath)));
        }

        // One request while the grant is outstanding, never more.
        Assert.Single(more);
        coordinator.Reply(NoWorkYet.Instance);
        coordinator.ExpectMsg<RequestWork>(TimeSpan.FromSeconds(2));
        coordinator.Reply(new WorkGranted([set.Items[2]], "L2", DateTime.UtcNow.AddMinutes(1)));
        var failed = (WorkFailed)coordinator.FishForMessage(m => m is WorkFailed, TimeSpan.FromSeconds(5));
        Assert.Equal("vol002", failed.Id);
        Assert.Contains("bad magic", failed.Reason, StringComparison.Ordinal);

        worker.Tell(AllWorkDone.Instance);
        var outcome = await worker.Ask<WorkerOutcome>(AwaitWorkerDone.Instance, TimeSpan.FromSeconds(3));
        Assert.True(outcome.AllWorkDone);
        status = await worker.Ask<WorkerStatus>(GetWorkerStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((2, 1, 0, true), (status.Completed, status.Failed, status.InFlight, status.Finished));
    }

    [Fact]
    public async Task A_worker_that_no_coordinator_answers_stops_after_the_registration_timeout_and_says_why()
    {
        var coordinator = CreateTestProbe();
        var options = new PreprocessJobOptions
        {
            WorkerParallelism = 1,
            RegistrationRetryInterval = TimeSpan.FromMilliseconds(200),
            RegistrationTimeout = TimeSpan.FromSeconds(1),
        };
        var worker = Sys.ActorOf(PreprocessWorker.Props(coordinator, new ThrowingJob(), options));
        var outcome = await worker.Ask<WorkerOutcome>(AwaitWorkerDone.Instance, TimeSpan.FromSeconds(5));
        Assert.False(outcome.AllWorkDone);
        Assert.Contains("no coordinator answered", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("registration-timeout", outcome.Reason, StringComparison.Ordinal);
        var registrations = coordinator.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m as RegisterWorker);
        Assert.InRange(registrations.Count, 2, 10); // retried in the meantime, and no longer after the stop
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_registered_worker_is_not_stopped_by_the_registration_timeout()
    {
        var coordinator = CreateTestProbe();
        var options = new PreprocessJobOptions { WorkerParallelism = 1, RegistrationTimeout = TimeSpan.FromMilliseconds(500) };
        var worker = Sys.ActorOf(PreprocessWorker.Props(coordinator, new ThrowingJob(), options));
        coordinator.ExpectMsg<RegisterWorker>();
        coordinator.Reply(new WorkerRegistered("c"));
        coordinator.ExpectMsg<RequestWork>();
        await Task.Delay(1000);
        var status = await worker.Ask<WorkerStatus>(GetWorkerStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal((true, false), (status.Registered, status.Finished));
    }

    [Fact]
    public void A_throwing_job_is_reported_as_failed()
    {
        var coordinator = CreateTestProbe();
        var worker = Sys.ActorOf(PreprocessWorker.Props(coordinator, new ThrowingJob(), new PreprocessJobOptions { WorkerParallelism = 1 }));
        coordinator.ExpectMsg<RegisterWorker>();
        coordinator.Reply(new WorkerRegistered("c"));
        coordinator.ExpectMsg<RequestWork>();
        coordinator.Reply(new WorkGranted([new VolumeWorkItem("x", "/nope/x.nii")], "L", DateTime.UtcNow.AddMinutes(1)));
        var failed = coordinator.ExpectMsg<WorkFailed>();
        Assert.Equal("x", failed.Id);
        Assert.Contains("FileNotFoundException", failed.Reason, StringComparison.Ordinal);
        Sys.Stop(worker);
    }

    private sealed class ThrowingJob : IVolumeJob
    {
        public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct) => throw new FileNotFoundException("missing", item.SourcePath);
    }
}
