using System.Diagnostics.Metrics;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>Listens to one <see cref="ClusterMetrics"/> instance (not other tests' meters of the same name).</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, int> _members = new(StringComparer.Ordinal);
    private long _completed;
    private long _failed;

    public MeterRecorder(ClusterMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "spark3d.cluster.items.completed")
            {
                Interlocked.Add(ref _completed, value);
            }
            else if (instrument.Name == "spark3d.cluster.items.failed")
            {
                Interlocked.Add(ref _failed, value);
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "spark3d.cluster.members")
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "role")
                    {
                        _members[(string)tag.Value!] = value;
                    }
                }
            }
        });
        _listener.Start();
    }

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Polls the observable gauges once and returns Up members by role.</summary>
    public IReadOnlyDictionary<string, int> ObserveMembersByRole()
    {
        lock (_members)
        {
            _members.Clear();
            _listener.RecordObservableInstruments();
            return new Dictionary<string, int>(_members, StringComparer.Ordinal);
        }
    }

    public void Dispose() => _listener.Dispose();
}
