namespace Spark3D.Actors.Cluster;

// The protocol of PreprocessCoordinator: work pulling with PreprocessWorker, and status and completion for the host.
// Only ids, paths, hashes and short strings; each record is bound to ClusterMessageSerializer with its own manifest.
// JobSummary, the completion answer, has a file of its own: WorkLedger computes it too.

/// <summary>Worker → coordinator: announce a worker (retried until <see cref="WorkerRegistered"/> arrives).</summary>
/// <param name="WorkerAddress">The worker node's cluster address (<c>Cluster.SelfAddress</c>).</param>
/// <param name="Parallelism">How many jobs the worker runs at once (informational).</param>
public sealed record RegisterWorker(string WorkerAddress, int Parallelism) : IClusterMessage;

/// <summary>Coordinator → worker: registration accepted.</summary>
/// <param name="CoordinatorAddress">Address of the node that hosts the coordinator.</param>
public sealed record WorkerRegistered(string CoordinatorAddress) : IClusterMessage;

/// <summary>Worker → coordinator: pull up to <paramref name="Count"/> items.</summary>
/// <param name="WorkerAddress">The worker node's address; its leases are re-queued if that node is lost.</param>
/// <param name="Count">Most items wanted (free job slots, capped by the request batch size).</param>
public sealed record RequestWork(string WorkerAddress, int Count) : IClusterMessage;

/// <summary>Coordinator → worker: items leased until <paramref name="DeadlineUtc"/>, after which they are re-queued.</summary>
/// <param name="Items">The granted items (1..Count).</param>
/// <param name="LeaseId">Id of this lease; echoed in results.</param>
/// <param name="DeadlineUtc">Lease deadline (coordinator clock).</param>
public sealed record WorkGranted(IReadOnlyList<VolumeWorkItem> Items, string LeaseId, DateTime DeadlineUtc) : IClusterMessage;

/// <summary>Coordinator → worker: nothing to grant now, but leases are outstanding; ask again later.</summary>
public sealed record NoWorkYet : IClusterMessage
{
    private NoWorkYet()
    {
    }

    /// <summary>The single instance.</summary>
    public static NoWorkYet Instance { get; } = new();
}

/// <summary>Coordinator → worker: every item is done or failed; stop asking.</summary>
public sealed record AllWorkDone : IClusterMessage
{
    private AllWorkDone()
    {
    }

    /// <summary>The single instance.</summary>
    public static AllWorkDone Instance { get; } = new();
}

/// <summary>Worker → coordinator: an item finished and its output file is in place.</summary>
/// <param name="Id">Volume id.</param>
/// <param name="LeaseId">Lease under which it ran.</param>
/// <param name="WorkerAddress">Worker node address.</param>
/// <param name="OutputPath">Output path relative to the output directory.</param>
/// <param name="ContentHash">Content hash of the output.</param>
/// <param name="Stats">Small stats string.</param>
public sealed record WorkCompleted(string Id, string LeaseId, string WorkerAddress, string OutputPath, string ContentHash, string Stats)
    : IClusterMessage;

/// <summary>Worker → coordinator: an item failed (bad input, job exception).</summary>
/// <param name="Id">Volume id.</param>
/// <param name="LeaseId">Lease under which it ran.</param>
/// <param name="WorkerAddress">Worker node address.</param>
/// <param name="Reason">One-line reason.</param>
public sealed record WorkFailed(string Id, string LeaseId, string WorkerAddress, string Reason) : IClusterMessage;

/// <summary>Any → coordinator: reply with a <see cref="JobSummary"/> once every item is done or failed (at once if already).</summary>
public sealed record AwaitCompletion : IClusterMessage
{
    private AwaitCompletion()
    {
    }

    /// <summary>The single instance.</summary>
    public static AwaitCompletion Instance { get; } = new();
}

/// <summary>Any → coordinator: reply with a <see cref="ClusterStatus"/> snapshot for progress views.</summary>
public sealed record GetClusterStatus : IClusterMessage
{
    private GetClusterStatus()
    {
    }

    /// <summary>The single instance.</summary>
    public static GetClusterStatus Instance { get; } = new();
}

/// <summary>Snapshot of the cluster and the job for a progress view (answer to <see cref="GetClusterStatus"/>).</summary>
/// <param name="Members">Cluster members as the coordinator sees them.</param>
/// <param name="Total">Distinct items in the work list.</param>
/// <param name="Pending">Items waiting in the queue.</param>
/// <param name="Leased">Items under an outstanding lease.</param>
/// <param name="Done">Items done.</param>
/// <param name="Failed">Items failed.</param>
/// <param name="Requeued">Re-queue events so far.</param>
/// <param name="DuplicatesIgnored">Duplicate results ignored so far.</param>
/// <param name="SkippedFromJournal">Items found finished in the journal at start.</param>
/// <param name="Nodes">Per-node throughput.</param>
/// <param name="IsComplete">True when every item is done or failed.</param>
public sealed record ClusterStatus(
    IReadOnlyList<ClusterMemberInfo> Members,
    int Total,
    int Pending,
    int Leased,
    int Done,
    int Failed,
    int Requeued,
    int DuplicatesIgnored,
    int SkippedFromJournal,
    IReadOnlyList<NodeThroughput> Nodes,
    bool IsComplete) : IClusterMessage;

/// <summary>One cluster member.</summary>
/// <param name="Address">Member address.</param>
/// <param name="Roles">Its roles (sorted).</param>
/// <param name="Status">Akka member status (Up, Leaving, ...).</param>
/// <param name="Reachable">False while the failure detector marks it unreachable.</param>
public sealed record ClusterMemberInfo(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable) : IClusterMessage;
