using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;

namespace Spark3D.Host.Cluster;

/// <summary>
/// The cluster's <see cref="IVolumeJob"/>: <see cref="CacheVolumeBuilder.Build"/> on one work item. An ok result
/// carries the source content hash and the whole <see cref="ManifestEntry"/> JSON as its stats, so the coordinator
/// can write the manifest line without touching the volume. Waits for the <see cref="JobDescription"/> (a worker
/// gets it from the coordinator after joining) before the first item.
/// </summary>
public sealed class CacheVolumeJob : IVolumeJob
{
    private readonly Task<JobDescription> _description;

    public CacheVolumeJob(Task<JobDescription> description) => _description = description ?? throw new ArgumentNullException(nameof(description));

    public CacheVolumeJob(JobDescription description) : this(Task.FromResult(description)) { }

    /// <inheritdoc />
    public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        _description.Wait(ct);
        var d = _description.Result;
        Exception? error = null;
        var entry = CacheVolumeBuilder.Build(new VolumeSource(item.Id, item.SourcePath), d.OutputDir, d.Options, null, null, e => error = e, ct);
        return entry.Status == ManifestStatus.Ok
            ? VolumeJobResult.Ok(entry.OutputFile!, entry.ContentHash, ManifestEntryJson.Serialize(entry))
            : VolumeJobResult.Failed(entry.Reason ?? "failed", error); // the worker logs the stack trace on this node
    }
}
