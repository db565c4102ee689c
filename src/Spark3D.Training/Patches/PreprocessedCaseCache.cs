namespace Spark3D.Training.Patches;

/// <summary>A small thread-safe least-recently-used cache of preprocessed cases, so a case drawn again is not re-read and
/// re-resampled. Two threads missing the same key at once may both load it; the second result simply replaces the first.</summary>
public sealed class PreprocessedCaseCache
{
    private readonly int _capacity;
    private readonly LinkedList<(string Key, PreprocessedCase Value)> _order = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, PreprocessedCase Value)>> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> cases (&gt;= 1).</summary>
    public PreprocessedCaseCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Number of cases held.</summary>
    public int Count { get { lock (_gate) return _nodes.Count; } }

    /// <summary>The cached case, or <paramref name="load"/>'s result (then cached, evicting the least recently used).</summary>
    public PreprocessedCase GetOrAdd(string key, Func<PreprocessedCase> load)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(key, out var hit))
            {
                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.Value;
            }
        }
        var value = load(); // outside the lock: loading is slow and other cases may be served meanwhile
        lock (_gate)
        {
            if (_nodes.Remove(key, out var stale)) _order.Remove(stale);
            _nodes[key] = _order.AddFirst((key, value));
            while (_nodes.Count > _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _nodes.Remove(last.Value.Key);
            }
        }
        return value;
    }
}
