using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// Listens to every <see cref="Meter"/> whose name starts with a prefix (default "Spark3D") and keeps, per instrument and
/// tag set, the running aggregate an exporter needs: sum for counters, count/sum/last for histograms, last value for gauges.
/// Observable instruments are polled on <see cref="Snapshot"/>, so a scrape always sees current channel depths.
/// </summary>
public sealed class MeterAggregator : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, Series> _series = new();
    private readonly object _pollGate = new();

    public MeterAggregator(string meterPrefix = "Spark3D")
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(meterPrefix, StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Polls observable instruments and returns a consistent copy of every series.</summary>
    public IReadOnlyList<SeriesSnapshot> Snapshot()
    {
        lock (_pollGate) _listener.RecordObservableInstruments();
        return _series.Select(kv => kv.Value.ToSnapshot(kv.Key)).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.TagText, StringComparer.Ordinal).ToList();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument, TagText(tags));
        _series.GetOrAdd(key, k => new Series(Kind(k.Instrument))).Add(value);
    }

    private static InstrumentKind Kind(Instrument i)
    {
        var t = i.GetType().IsGenericType ? i.GetType().GetGenericTypeDefinition() : i.GetType();
        if (t == typeof(Counter<>) || t == typeof(ObservableCounter<>)) return t == typeof(Counter<>) ? InstrumentKind.Counter : InstrumentKind.ObservedTotal;
        if (t == typeof(Histogram<>)) return InstrumentKind.Histogram;
        if (t == typeof(UpDownCounter<>)) return InstrumentKind.UpDownCounter;
        return InstrumentKind.Gauge;
    }

    private static string TagText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var t in tags) parts.Add($"{t.Key}=\"{Escape(t.Value?.ToString() ?? "")}\"");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public void Dispose() => _listener.Dispose();

    private readonly record struct SeriesKey(Instrument Instrument, string TagText);

    private sealed class Series(InstrumentKind kind)
    {
        private readonly object _gate = new();
        private double _sum, _last;
        private long _count;

        public void Add(double v)
        {
            lock (_gate)
            {
                _count++;
                _last = v;
                _sum = kind is InstrumentKind.Gauge or InstrumentKind.ObservedTotal ? v : _sum + v;
            }
        }

        public SeriesSnapshot ToSnapshot(SeriesKey key)
        {
            lock (_gate)
                return new SeriesSnapshot(key.Instrument.Meter.Name, key.Instrument.Name, key.Instrument.Unit,
                    key.Instrument.Description, kind, key.TagText, _sum, _count, _last);
        }
    }
}

/// <summary>How an instrument aggregates.</summary>
public enum InstrumentKind { Counter, ObservedTotal, UpDownCounter, Histogram, Gauge }

/// <summary>One aggregated series: for counters <see cref="Sum"/> is the total; for gauges it is the last value.</summary>
public sealed record SeriesSnapshot(string Meter, string Name, string? Unit, string? Description, InstrumentKind Kind,
    string TagText, double Sum, long Count, double Last);
