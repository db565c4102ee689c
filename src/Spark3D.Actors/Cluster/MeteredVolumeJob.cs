using System.Diagnostics;

namespace Spark3D.Actors.Cluster;

/// <summary>An <see cref="IVolumeJob"/> that reports each run of the job it wraps to <see cref="ClusterWorkerMetrics"/>
/// (a thrown exception counts as failed and is passed on: the worker reports it as the item's failure).</summary>
public sealed class MeteredVolumeJob(IVolumeJob inner, ClusterWorkerMetrics metrics) : IVolumeJob
{
    /// <inheritdoc />
    public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct)
    {
        metrics.JobStarted();
        long started = Stopwatch.GetTimestamp();
        bool succeeded = false;
        try
        {
            var result = inner.Run(item, ct);
            succeeded = result.Succeeded;
            return result;
        }
        finally
        {
            metrics.JobEnded(succeeded, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
