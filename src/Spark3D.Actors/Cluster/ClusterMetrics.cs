using System.Diagnostics.Metrics;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Instruments of the Meter "Spark3D.Cluster", fed by the coordinator: members by role, completed items per node,
/// outstanding leases, re-queued items, failed items, and messages from peers it ignored (results without a matching
/// lease, paths outside the output folder, a claimed address that is not the sender's). Exporters (Prometheus,
/// console, OpenTelemetry) subscribe by meter name. Refusals by the serializers are counted by <see cref="RefusedMessages"/>.
/// </summary>
public sealed class ClusterMetrics : IDisposable
{
    /// <summary>Meter name exporters subscribe to.</summary>
    public const string MeterName = "Spark3D.Cluster";

    /// <summary>Name of the counter of ignored peer messages.</summary>
    public const string RejectedInstrument = "spark3d.cluster.messages.rejected";

    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _requeued;
    private readonly Counter<long> _rejected;
    private volatile IReadOnlyDictionary<string, int> _membersByRole = new Dictionary<string, int>();
    private int _outstandingLeases;

    /// <summary>Creates the meter and its instruments.</summary>
    public ClusterMetrics()
    {
        Meter = new Meter(MeterName);
        _completed = Meter.CreateCounter<long>("spark3d.cluster.items.completed", "{item}", "Items finished successfully, by worker node");
        _failed = Meter.CreateCounter<long>("spark3d.cluster.items.failed", "{item}", "Items that failed, by worker node");
        _requeued = Meter.CreateCounter<long>("spark3d.cluster.items.requeued", "{item}", "Leased items put back in the queue, by cause");
        _rejected = Meter.CreateCounter<long>(RejectedInstrument, "{message}", "Messages from peers the coordinator ignored, by message kind and reason");
        Meter.CreateObservableGauge("spark3d.cluster.leases.outstanding", () => Volatile.Read(ref _outstandingLeases), "{item}", "Items under an outstanding lease");
        Meter.CreateObservableGauge("spark3d.cluster.members", ObserveMembers, "{node}", "Cluster members that are up, by role");
    }

    /// <summary>The meter (for listeners that want to filter by instance).</summary>
    public Meter Meter { get; }

    /// <summary>Counts an accepted successful result from <paramref name="node"/>.</summary>
    public void ItemCompleted(string node) => _completed.Add(1, new KeyValuePair<string, object?>("node", node));

    /// <summary>Counts an accepted failure from <paramref name="node"/>.</summary>
    public void ItemFailed(string node) => _failed.Add(1, new KeyValuePair<string, object?>("node", node));

    /// <summary>Counts re-queued items; <paramref name="cause"/> is lease-timeout, unreachable or removed.</summary>
    public void ItemsRequeued(int count, string cause) => _requeued.Add(count, new KeyValuePair<string, object?>("cause", cause));

    /// <summary>
    /// Counts a peer message the coordinator ignored. <paramref name="kind"/>: result, request or register;
    /// <paramref name="reason"/>: lease-mismatch, node-mismatch, not-a-member, path-outside-output or unknown-item.
    /// </summary>
    public void MessageRejected(string kind, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Sets the outstanding lease gauge.</summary>
    public void SetOutstandingLeases(int count) => Volatile.Write(ref _outstandingLeases, count);

    /// <summary>Replaces the members-by-role snapshot.</summary>
    public void SetMembersByRole(IReadOnlyDictionary<string, int> membersByRole) => _membersByRole = membersByRole;

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveMembers()
    {
        foreach (var (role, count) in _membersByRole)
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("role", role));
        }
    }
}
