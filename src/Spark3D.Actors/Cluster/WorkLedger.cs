namespace Spark3D.Actors.Cluster;

/// <summary>What the ledger did with a reported result.</summary>
public enum ResultOutcome
{
    /// <summary>First result for the item: it is now done or failed.</summary>
    Accepted,

    /// <summary>The item was already finished (a re-queued lease finished twice): ignored.</summary>
    Duplicate,

    /// <summary>The id is not in the work list: ignored.</summary>
    Unknown,

    /// <summary>The lease id was never granted to the reporting node for this item in this run: ignored.</summary>
    LeaseMismatch,
}

/// <summary>A batch of items leased to one worker.</summary>
/// <param name="Items">Granted items.</param>
/// <param name="LeaseId">Lease id.</param>
/// <param name="DeadlineUtc">After this the items are re-queued.</param>
public sealed record LeaseGrant(IReadOnlyList<VolumeWorkItem> Items, string LeaseId, DateTime DeadlineUtc);

/// <summary>
/// The coordinator's bookkeeping, free of actors and clocks (callers pass <c>now</c>): pending queue, leases by item,
/// done/failed sets, re-queue and duplicate counts, per-node throughput. A result counts only when its lease id was
/// granted to the reporting node for that item in this run (lease ids are 128 random bits, sent only to their holder);
/// anything else is a <see cref="ResultOutcome.LeaseMismatch"/>. A lease that timed out still accepts its result until
/// the item is finished, because otherwise a volume slower than the lease timeout could never finish; the first result
/// for an item wins, later ones are duplicates. Re-queued items go to the front of the queue so they are not starved.
/// </summary>
public sealed class WorkLedger
{
    private readonly Dictionary<string, VolumeWorkItem> _items = new(StringComparer.Ordinal);
    private readonly LinkedList<VolumeWorkItem> _pending = new();
    private readonly Dictionary<string, LinkedListNode<VolumeWorkItem>> _pendingById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeStats> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Lease>> _grantedById = new(StringComparer.Ordinal);

    /// <summary>Builds the ledger from the work list; items finished in <paramref name="journal"/> are skipped.</summary>
    public WorkLedger(IEnumerable<VolumeWorkItem> items, IEnumerable<WorkJournalEntry> journal)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(journal);
        foreach (var item in items)
        {
            if (!_items.TryAdd(item.Id, item))
            {
                DuplicateIdsInWorkList++;
            }
        }

        foreach (var entry in journal)
        {
            if (!_items.ContainsKey(entry.Id))
            {
                continue;
            }

            // Last entry wins, as the journal contract says.
            _done.Remove(entry.Id);
            _failed.Remove(entry.Id);
            (entry.Succeeded ? _done : _failed).Add(entry.Id);
        }

        SkippedFromJournal = _done.Count + _failed.Count;
        foreach (var item in _items.Values)
        {
            if (!_done.Contains(item.Id) && !_failed.Contains(item.Id))
            {
                _pendingById[item.Id] = _pending.AddLast(item);
            }
        }
    }

    /// <summary>Distinct items.</summary>
    public int Total => _items.Count;

    /// <summary>Items waiting for a worker.</summary>
    public int Pending => _pending.Count;

    /// <summary>Items under a lease.</summary>
    public int Leased => _leases.Count;

    /// <summary>Items done.</summary>
    public int Done => _done.Count;

    /// <summary>Items failed.</summary>
    public int Failed => _failed.Count;

    /// <summary>Re-queued items so far.</summary>
    public int Requeued { get; private set; }

    /// <summary>Duplicate results ignored so far.</summary>
    public int DuplicatesIgnored { get; private set; }

    /// <summary>Results ignored because their lease id and node did not match a lease granted for the item.</summary>
    public int LeaseMismatches { get; private set; }

    /// <summary>Items finished in the journal at start.</summary>
    public int SkippedFromJournal { get; }

    /// <summary>Work-list entries dropped because their id repeated an earlier one.</summary>
    public int DuplicateIdsInWorkList { get; }

    /// <summary>True when every item is done or failed.</summary>
    public bool IsComplete => _done.Count + _failed.Count == _items.Count;

    /// <summary>Leases up to <paramref name="count"/> pending items to <paramref name="worker"/>; null when none are pending.</summary>
    public LeaseGrant? Grant(string worker, int count, DateTime nowUtc, TimeSpan leaseTimeout)
    {
        if (_pending.Count == 0 || count < 1)
        {
            return null;
        }

        // Unguessable: a peer that was not sent the grant cannot report a result for it.
        var leaseId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var deadline = nowUtc + leaseTimeout;
        var granted = new List<VolumeWorkItem>(Math.Min(count, _pending.Count));
        while (granted.Count < count && _pending.First is { } first)
        {
            var item = first.Value;
            _pending.RemoveFirst();
            _pendingById.Remove(item.Id);
            var lease = new Lease(leaseId, worker, deadline);
            _leases[item.Id] = lease;
            if (!_grantedById.TryGetValue(item.Id, out var history))
            {
                _grantedById[item.Id] = history = [];
            }

            history.Add(lease);
            granted.Add(item);
        }

        Node(worker).FirstGrantUtc ??= nowUtc;
        return new LeaseGrant(granted, leaseId, deadline);
    }

    /// <summary>Records a successful result reported by <paramref name="worker"/> under <paramref name="leaseId"/> (first one wins).</summary>
    public ResultOutcome Complete(string id, string leaseId, string worker, DateTime nowUtc) => Finish(id, leaseId, worker, nowUtc, succeeded: true);

    /// <summary>Records a failure reported by <paramref name="worker"/> under <paramref name="leaseId"/> (first result wins).</summary>
    public ResultOutcome Fail(string id, string leaseId, string worker, DateTime nowUtc) => Finish(id, leaseId, worker, nowUtc, succeeded: false);

    /// <summary>Re-queues every lease whose deadline has passed; returns how many items went back.</summary>
    public int RequeueExpired(DateTime nowUtc) => Requeue(lease => lease.DeadlineUtc <= nowUtc);

    /// <summary>Re-queues every lease held by <paramref name="worker"/> (node unreachable or removed).</summary>
    public int RequeueWorker(string worker) => Requeue(lease => string.Equals(lease.Worker, worker, StringComparison.Ordinal));

    /// <summary>Per-node counts and throughput (results per second since the node's first grant).</summary>
    public IReadOnlyList<NodeThroughput> Throughput() =>
        _nodes.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new NodeThroughput(kv.Key, kv.Value.Completed, kv.Value.Failed, kv.Value.ItemsPerSecond))
            .ToList();

    /// <summary>
    /// First lease granted → last result accepted, over all nodes (this run's working time; it leaves out cluster
    /// formation before the first grant and shutdown after the last result). Null before any result.
    /// </summary>
    public TimeSpan? WorkingTime()
    {
        var first = _nodes.Values.Where(n => n.FirstGrantUtc is not null).Select(n => n.FirstGrantUtc!.Value).DefaultIfEmpty().Min();
        var last = _nodes.Values.Where(n => n.LastResultUtc is not null).Select(n => n.LastResultUtc!.Value).DefaultIfEmpty().Max();
        return first == default || last == default ? null : last - first;
    }

    private ResultOutcome Finish(string id, string leaseId, string worker, DateTime nowUtc, bool succeeded)
    {
        if (!_items.ContainsKey(id))
        {
            return ResultOutcome.Unknown;
        }

        if (!_grantedById.TryGetValue(id, out var grants)
            || !grants.Exists(l => string.Equals(l.LeaseId, leaseId, StringComparison.Ordinal) && string.Equals(l.Worker, worker, StringComparison.Ordinal)))
        {
            LeaseMismatches++;
            return ResultOutcome.LeaseMismatch;
        }

        if (_done.Contains(id) || _failed.Contains(id))
        {
            DuplicatesIgnored++;
            return ResultOutcome.Duplicate;
        }

        // Whoever holds the lease now, the item is finished: drop the lease and any re-queued copy.
        _leases.Remove(id);
        if (_pendingById.Remove(id, out var node))
        {
            _pending.Remove(node);
        }

        (succeeded ? _done : _failed).Add(id);
        var stats = Node(worker);
        stats.FirstGrantUtc ??= nowUtc;
        stats.LastResultUtc = nowUtc;
        if (succeeded)
        {
            stats.Completed++;
        }
        else
        {
            stats.Failed++;
        }

        return ResultOutcome.Accepted;
    }

    private int Requeue(Func<Lease, bool> predicate)
    {
        var ids = _leases.Where(kv => predicate(kv.Value)).Select(kv => kv.Key).ToList();
        foreach (var id in ids)
        {
            _leases.Remove(id);
            _pendingById[id] = _pending.AddFirst(_items[id]);
        }

        Requeued += ids.Count;
        return ids.Count;
    }

    private NodeStats Node(string worker)
    {
        if (!_nodes.TryGetValue(worker, out var stats))
        {
            stats = new NodeStats();
            _nodes[worker] = stats;
        }

        return stats;
    }

    private sealed record Lease(string LeaseId, string Worker, DateTime DeadlineUtc);

    private sealed class NodeStats
    {
        public int Completed { get; set; }

        public int Failed { get; set; }

        public DateTime? FirstGrantUtc { get; set; }

        public DateTime? LastResultUtc { get; set; }

        public double ItemsPerSecond
        {
            get
            {
                if (FirstGrantUtc is not { } first || LastResultUtc is not { } last)
                {
                    return 0;
                }

                var seconds = (last - first).TotalSeconds;
                return seconds > 0 ? (Completed + Failed) / seconds : 0;
            }
        }
    }
}
