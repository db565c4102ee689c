namespace Spark3D.Actors.Cluster;

/// <summary>Final (or current) counts of a preprocessing job, with per-node throughput.</summary>
/// <param name="Total">Distinct items in the work list.</param>
/// <param name="Done">Items done, including those found done in the journal.</param>
/// <param name="Failed">Items failed, including those found failed in the journal.</param>
/// <param name="SkippedFromJournal">Items already finished in the journal when the coordinator started.</param>
/// <param name="Requeued">Leased items put back in the queue (lease timeout, node unreachable or removed).</param>
/// <param name="DuplicatesIgnored">Results for items that were already finished (after a re-queue), ignored.</param>
/// <param name="Elapsed">Time since the coordinator started.</param>
/// <param name="Nodes">Per-node counts and throughput.</param>
/// <param name="Working">First lease granted → last result accepted (null before any result).</param>
public sealed record JobSummary(
    int Total,
    int Done,
    int Failed,
    int SkippedFromJournal,
    int Requeued,
    int DuplicatesIgnored,
    TimeSpan Elapsed,
    IReadOnlyList<NodeThroughput> Nodes,
    TimeSpan? Working = null) : IClusterMessage
{
    /// <summary>Results accepted this run per second of <see cref="Working"/> time (0 when unknown).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double ItemsPerSecond =>
        Working is { TotalSeconds: > 0 } w ? (Done + Failed - SkippedFromJournal) / w.TotalSeconds : 0;

    /// <summary>True when every item is done or failed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsComplete => Done + Failed >= Total;
}

/// <summary>What one worker node finished, and how fast (accepted results / time since its first grant).</summary>
/// <param name="Node">Worker node address.</param>
/// <param name="Completed">Items it finished successfully (first accepted result only).</param>
/// <param name="Failed">Items it reported failed.</param>
/// <param name="ItemsPerSecond">(Completed + Failed) / seconds since its first grant.</param>
public sealed record NodeThroughput(string Node, int Completed, int Failed, double ItemsPerSecond) : IClusterMessage;
