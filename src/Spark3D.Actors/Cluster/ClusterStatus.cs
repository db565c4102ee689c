namespace Spark3D.Actors.Cluster;

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
