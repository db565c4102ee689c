using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;
using ClusterEvent = Akka.Cluster.ClusterEvent;
using Member = Akka.Cluster.Member;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Holds the work list and hands it out to pulling <see cref="PreprocessWorker"/>s (run as a cluster singleton on the
/// coordinator role). Grants leases, re-queues them on timeout and at once when their node becomes unreachable or is
/// removed, ignores duplicate results, journals every finished item, and answers <see cref="AwaitCompletion"/> with a
/// <see cref="JobSummary"/> once every item is done or failed.
/// Peers are not trusted: a node is known by the address its messages come from, not the one it claims (a remote
/// sender claiming another address is ignored), and must be a member of this cluster; a result counts only under a
/// lease granted to that node for that item (<see cref="WorkLedger"/>), and only with an output path inside the output
/// folder (<see cref="ResultPaths"/>).
/// What is ignored is logged and counted (<see cref="ClusterMetrics.MessageRejected"/>).
/// </summary>
public sealed class PreprocessCoordinator : ReceiveActor, IWithTimers
{
    private readonly IWorkJournal _journal;
    private readonly PreprocessJobOptions _options;
    private readonly ClusterMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly WorkLedger _ledger;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, IActorRef> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<Akka.Actor.Address, (Member Member, bool Reachable)> _members = [];
    private readonly List<IActorRef> _completionWaiters = [];
    private bool _completed;

    /// <summary>Creates the coordinator; prefer <see cref="Props"/>.</summary>
    public PreprocessCoordinator(IReadOnlyList<VolumeWorkItem> items, IWorkJournal journal, PreprocessJobOptions options, ClusterMetrics? metrics)
    {
        options.Validate();
        _journal = journal;
        _options = options;
        _ownsMetrics = metrics is null;
        _metrics = metrics ?? new ClusterMetrics();
        _ledger = new WorkLedger(items, journal.Load());
        if (_ledger.DuplicateIdsInWorkList > 0)
        {
            _log.Warning("Work list has {0} repeated ids; each id is processed once", _ledger.DuplicateIdsInWorkList);
        }

        _log.Info("Coordinator: {0} items, {1} already finished in the journal", _ledger.Total, _ledger.SkippedFromJournal);

        Receive<RegisterWorker>(OnRegister);
        Receive<RequestWork>(OnRequest);
        Receive<WorkCompleted>(m => OnResult(m.Id, m.LeaseId, m.WorkerAddress, succeeded: true, m.OutputPath, m.ContentHash, m.Stats, reason: null));
        Receive<WorkFailed>(m => OnResult(m.Id, m.LeaseId, m.WorkerAddress, succeeded: false, null, null, null, m.Reason));
        Receive<LeaseCheck>(_ => OnLeaseCheck());
        Receive<AwaitCompletion>(_ => OnAwaitCompletion());
        Receive<GetClusterStatus>(_ => Sender.Tell(Status()));
        Receive<ClusterEvent.UnreachableMember>(m => OnUnreachable(m.Member));
        Receive<ClusterEvent.ReachableMember>(m => TrackMember(m.Member, reachable: true));
        Receive<ClusterEvent.MemberRemoved>(m => OnRemoved(m.Member));
        Receive<ClusterEvent.IMemberEvent>(m => TrackMember(m.Member, reachable: IsReachable(m.Member.Address)));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props for the coordinator. <paramref name="metrics"/>: instruments to feed (null: its own, disposed on stop).
    /// The journal is not disposed by the actor.
    /// </summary>
    public static Props Props(IReadOnlyList<VolumeWorkItem> items, IWorkJournal journal, PreprocessJobOptions options, ClusterMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(options);
        return Akka.Actor.Props.Create(() => new PreprocessCoordinator(items, journal, options, metrics));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.UnreachableMember),
            typeof(ClusterEvent.ReachableMember));
        Timers.StartPeriodicTimer(nameof(LeaseCheck), LeaseCheck.Instance, _options.LeaseCheckInterval);
        PublishGauges();
        CompleteIfFinished();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    private void OnRegister(RegisterWorker m)
    {
        if (SenderNode(m.WorkerAddress, "register") is not { } node)
        {
            return;
        }

        _workers[node] = Sender;
        Sender.Tell(new WorkerRegistered(_cluster.SelfAddress.ToString()));
        _log.Info("Worker registered: {0} (parallelism {1})", node, m.Parallelism);
        if (_completed)
        {
            Sender.Tell(AllWorkDone.Instance);
        }
    }

    private void OnRequest(RequestWork m)
    {
        if (SenderNode(m.WorkerAddress, "request") is not { } node)
        {
            return;
        }

        _workers.TryAdd(node, Sender);
        if (_completed)
        {
            Sender.Tell(AllWorkDone.Instance);
            return;
        }

        var count = Math.Min(m.Count, _options.RequestBatchSize);
        var grant = _ledger.Grant(node, count, DateTime.UtcNow, _options.LeaseTimeout);
        if (grant is null)
        {
            Sender.Tell(NoWorkYet.Instance);
            return;
        }

        Sender.Tell(new WorkGranted(grant.Items, grant.LeaseId, grant.DeadlineUtc));
        PublishGauges();
    }

    private void OnResult(string id, string leaseId, string claimedWorker, bool succeeded, string? output, string? hash, string? stats, string? reason)
    {
        if (SenderNode(claimedWorker, "result") is not { } worker)
        {
            return;
        }

        if (succeeded && ResultPaths.Problem(output) is { } pathProblem)
        {
            // Checked before the ledger: a result with a bad path must not finish the item (a good one may follow).
            _log.Warning("Result for '{0}' from {1} ignored: {2}", id, worker, pathProblem);
            _metrics.MessageRejected("result", "path-outside-output");
            return;
        }

        var now = DateTime.UtcNow;
        var outcome = succeeded ? _ledger.Complete(id, leaseId, worker, now) : _ledger.Fail(id, leaseId, worker, now);
        switch (outcome)
        {
            case ResultOutcome.Unknown:
                _log.Warning("Result for unknown item '{0}' from {1} ignored", id, worker);
                _metrics.MessageRejected("result", "unknown-item");
                return;
            case ResultOutcome.LeaseMismatch:
                _log.Warning("Result for '{0}' from {1} ignored: lease '{2}' was not granted to that node for that item in this run", id, worker, leaseId);
                _metrics.MessageRejected("result", "lease-mismatch");
                return;
            case ResultOutcome.Duplicate:
                _log.Info("Duplicate result for '{0}' from {1} ignored (already finished)", id, worker);
                return;
        }

        _journal.Append(new WorkJournalEntry(id, succeeded, output, hash, stats, reason, worker, now));
        if (succeeded)
        {
            _metrics.ItemCompleted(worker);
        }
        else
        {
            _metrics.ItemFailed(worker);
            // A failure of this node's own worker was that worker's warning already: one warning line per failed volume.
            if (worker == _cluster.SelfAddress.ToString()) _log.Info("Item '{0}' failed on {1}: {2}", id, worker, reason);
            else _log.Warning("Item '{0}' failed on {1}: {2}", id, worker, reason);
        }

        PublishGauges();
        CompleteIfFinished();
    }

    /// <summary>
    /// The node a message comes from: the sender's address when it is remote (and then the claimed address must be
    /// that one, and a member of this cluster), the claimed address when the sender is in this process (this node's
    /// own worker, or a test). Null, logged and counted when a remote sender claims another node's address or is not a
    /// member.
    /// </summary>
    private string? SenderNode(string claimed, string kind)
    {
        var address = Sender.Path.Address;
        if (address.HasLocalScope)
        {
            return claimed;
        }

        var actual = address.ToString();
        if (!string.Equals(actual, claimed, StringComparison.Ordinal))
        {
            _log.Warning("A {0} from {1} claiming to be {2} ignored", kind, actual, claimed);
            _metrics.MessageRejected(kind, "node-mismatch");
            return null;
        }

        // A worker of an earlier run of a restarted coordinator still sends to this address until it stops; leases
        // granted to it would never be re-queued by membership events (it is in another cluster), only by timeout.
        if (!IsMember(address))
        {
            _log.Warning("A {0} from {1}, which is not a member of this cluster, ignored", kind, actual);
            _metrics.MessageRejected(kind, "not-a-member");
            return null;
        }

        return actual;
    }

    private bool IsMember(Akka.Actor.Address address) =>
        _members.TryGetValue(address, out var known) && known.Member.Status is not (MemberStatus.Down or MemberStatus.Removed);

    private void OnLeaseCheck()
    {
        var requeued = _ledger.RequeueExpired(DateTime.UtcNow);
        if (requeued > 0)
        {
            _log.Warning("{0} leased items timed out after {1}; re-queued", requeued, _options.LeaseTimeout);
            _metrics.ItemsRequeued(requeued, "lease-timeout");
            PublishGauges();
        }
    }

    private void OnUnreachable(Member member)
    {
        TrackMember(member, reachable: false);
        Requeue(member.Address, "unreachable");
    }

    private void OnRemoved(Member member)
    {
        _members.Remove(member.Address);
        _workers.Remove(member.Address.ToString());
        Requeue(member.Address, "removed");
        PublishGauges();
    }

    private void Requeue(Akka.Actor.Address address, string cause)
    {
        var requeued = _ledger.RequeueWorker(address.ToString());
        if (requeued > 0)
        {
            _log.Warning("Node {0} {1}: re-queued its {2} leased items", address, cause, requeued);
            _metrics.ItemsRequeued(requeued, cause);
            PublishGauges();
        }
    }

    private void TrackMember(Member member, bool reachable)
    {
        _members[member.Address] = (member, reachable);
        PublishGauges();
    }

    private bool IsReachable(Akka.Actor.Address address) => !_members.TryGetValue(address, out var known) || known.Reachable;

    private void OnAwaitCompletion()
    {
        if (_completed)
        {
            Sender.Tell(Summary());
        }
        else
        {
            _completionWaiters.Add(Sender);
        }
    }

    private void CompleteIfFinished()
    {
        if (_completed || !_ledger.IsComplete)
        {
            return;
        }

        _completed = true;
        Timers.Cancel(nameof(LeaseCheck));
        var summary = Summary();
        _log.Info(
            "All work done: {0} done, {1} failed, {2} skipped from journal, {3} re-queued, {4} duplicates ignored, {5:F1} s",
            summary.Done, summary.Failed, summary.SkippedFromJournal, summary.Requeued, summary.DuplicatesIgnored, summary.Elapsed.TotalSeconds);
        foreach (var waiter in _completionWaiters)
        {
            waiter.Tell(summary);
        }

        _completionWaiters.Clear();
        foreach (var worker in _workers.Values)
        {
            worker.Tell(AllWorkDone.Instance);
        }
    }

    private JobSummary Summary() => new(
        _ledger.Total, _ledger.Done, _ledger.Failed, _ledger.SkippedFromJournal, _ledger.Requeued, _ledger.DuplicatesIgnored,
        _clock.Elapsed, _ledger.Throughput(), _ledger.WorkingTime());

    private ClusterStatus Status() => new(
        _members.Values
            .OrderBy(m => m.Member.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ClusterMemberInfo(
                m.Member.Address.ToString(),
                m.Member.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
                m.Member.Status.ToString(),
                m.Reachable))
            .ToList(),
        _ledger.Total, _ledger.Pending, _ledger.Leased, _ledger.Done, _ledger.Failed, _ledger.Requeued,
        _ledger.DuplicatesIgnored, _ledger.SkippedFromJournal, _ledger.Throughput(), _ledger.IsComplete);

    private void PublishGauges()
    {
        _metrics.SetOutstandingLeases(_ledger.Leased);
        _metrics.SetMembersByRole(_members.Values
            .Where(m => m.Member.Status == MemberStatus.Up)
            .SelectMany(m => m.Member.Roles)
            .GroupBy(r => r, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    private sealed class LeaseCheck
    {
        public static readonly LeaseCheck Instance = new();
    }
}
