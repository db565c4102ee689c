using System.Diagnostics.Metrics;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// A worker node's own instruments on the meter "Spark3D.Cluster" (the coordinator's are <see cref="ClusterMetrics"/>):
/// volumes preprocessed here by outcome, how long each took, and how many are in flight. Fed by
/// <see cref="MeteredVolumeJob"/>, so every node that works (workers, and a coordinator that works too) reports them.
/// </summary>
public sealed class ClusterWorkerMetrics : IDisposable
{
    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _jobTime;
    private int _inFlight;

    /// <summary>Creates the instruments.</summary>
    public ClusterWorkerMetrics()
    {
        Meter = new Meter(ClusterMetrics.MeterName);
        _jobs = Meter.CreateCounter<long>("spark3d.cluster.worker.jobs", "{volume}", "Volumes this node preprocessed, by outcome (ok, failed)");
        _jobTime = Meter.CreateHistogram<double>("spark3d.cluster.worker.job_time", "s", "Time this node took to preprocess one volume");
        Meter.CreateObservableUpDownCounter("spark3d.cluster.worker.jobs_in_flight", () => Volatile.Read(ref _inFlight), "{volume}",
            "Volumes being preprocessed on this node now");
    }

    /// <summary>
    /// Buckets of the job time: a small phantom is read, resampled and written in ~50 ms, a 1 mm brain MRI in about a
    /// second, a large CT or a slow shared disk takes minutes (beyond that the lease timeout, 5 min by default, bites).
    /// </summary>
    public static IReadOnlyList<HistogramView> HistogramViews { get; } =
    [
        new("spark3d.cluster.worker.job_time", [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]),
    ];

    /// <summary>The meter (for listeners that filter by instance).</summary>
    public Meter Meter { get; }

    /// <summary>A job started.</summary>
    public void JobStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>A job ended after <paramref name="seconds"/>, successfully or not.</summary>
    public void JobEnded(bool succeeded, double seconds)
    {
        Interlocked.Decrement(ref _inFlight);
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed");
        _jobs.Add(1, outcome);
        _jobTime.Record(seconds, outcome);
    }

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}
