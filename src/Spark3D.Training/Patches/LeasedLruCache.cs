namespace Spark3D.Training.Patches;

/// <summary>
/// The producers' one thread-safe least-recently-used cache of values created on demand (open cache files, preprocessed
/// volumes, preprocessed labelled cases).
/// Callers hold a <see cref="Lease"/> while they use a value; an evicted value is released (disposed) only after its last
/// lease ends, so eviction never pulls a memory map from under a reader. A value is created once even when several threads
/// ask for it together (they wait for the first); a creation that throws is forgotten, so the next request tries again.
/// </summary>
internal sealed class LeasedLruCache<T> : IDisposable where T : class
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new(); // most recently used first
    private readonly int _capacity;
    private readonly Action<T>? _release;
    private bool _disposed;

    public LeasedLruCache(int capacity, Action<T>? release)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _release = release;
    }

    /// <summary>Entries currently cached (for tests and telemetry).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Returns a lease on the value for <paramref name="key"/>, creating it with <paramref name="create"/> if absent.</summary>
    public Lease Acquire(string key, Func<string, T> create)
    {
        Entry entry;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(key, out var found))
            {
                entry = found;
                _order.Remove(entry.Node);
            }
            else
            {
                entry = new Entry(key, new Lazy<T>(() => create(key), LazyThreadSafetyMode.ExecutionAndPublication));
                _entries.Add(key, entry);
            }
            _order.AddFirst(entry.Node);
            entry.Refs++;
            while (_entries.Count > _capacity) Evict(_order.Last!.Value);
        }
        try
        {
            return new Lease(this, entry, entry.Value.Value);
        }
        catch
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry)) Evict(entry);
                entry.Refs--;
            }
            throw;
        }
    }

    private void Evict(Entry entry)
    {
        _entries.Remove(entry.Key);
        if (entry.Node.List is not null) _order.Remove(entry.Node);
        entry.Evicted = true;
        if (entry.Refs == 0) ReleaseValue(entry);
    }

    private void Return(Entry entry)
    {
        lock (_gate)
        {
            entry.Refs--;
            if (entry.Evicted && entry.Refs == 0) ReleaseValue(entry);
        }
    }

    private void ReleaseValue(Entry entry)
    {
        if (entry.Released || !entry.Value.IsValueCreated) return;
        entry.Released = true;
        _release?.Invoke(entry.Value.Value);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var e in _entries.Values.ToList()) Evict(e);
        }
    }

    /// <summary>A value in use; dispose it when done.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly LeasedLruCache<T> _owner;
        private readonly Entry _entry;
        private int _returned;

        internal Lease(LeasedLruCache<T> owner, Entry entry, T value)
        {
            _owner = owner;
            _entry = entry;
            Value = value;
        }

        /// <summary>The cached value.</summary>
        public T Value { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) _owner.Return(_entry);
        }
    }

    internal sealed class Entry
    {
        public Entry(string key, Lazy<T> value)
        {
            Key = key;
            Value = value;
            Node = new LinkedListNode<Entry>(this);
        }

        public string Key { get; }
        public Lazy<T> Value { get; }
        public LinkedListNode<Entry> Node { get; }
        public int Refs { get; set; }
        public bool Evicted { get; set; }
        public bool Released { get; set; }
    }
}
