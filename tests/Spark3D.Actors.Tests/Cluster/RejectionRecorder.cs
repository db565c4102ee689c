using System.Diagnostics.Metrics;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>Counts <see cref="ClusterMetrics.RejectedInstrument"/> measurements of one metrics instance by (kind, reason).</summary>
internal sealed class RejectionRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Kind, string Reason), int> _counts = [];

    public RejectionRecorder(ClusterMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == ClusterMetrics.RejectedInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string kind = "", reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "kind") kind = (string)tag.Value!;
                if (tag.Key == "reason") reason = (string)tag.Value!;
            }

            lock (_counts)
            {
                _counts[(kind, reason)] = _counts.GetValueOrDefault((kind, reason)) + (int)value;
            }
        });
        _listener.Start();
    }

    public int Count(string kind, string reason)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault((kind, reason));
        }
    }

    public void Dispose() => _listener.Dispose();
}
