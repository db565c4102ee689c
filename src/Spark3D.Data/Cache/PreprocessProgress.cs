namespace Spark3D.Data.Cache;

/// <summary>Progress of a <see cref="DatasetPreprocessor"/> run, reported after every volume.</summary>
/// <param name="Total">Volumes in the input list.</param>
/// <param name="Ok">Volumes preprocessed in this run.</param>
/// <param name="Failed">Volumes that failed in this run (recorded in the manifest with a reason).</param>
/// <param name="Skipped">Volumes already in the cache (same id and content hash, status ok, output present).</param>
/// <param name="LastId">Id of the volume that just finished.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record PreprocessProgress(int Total, int Ok, int Failed, int Skipped, string? LastId, TimeSpan Elapsed)
{
    /// <summary>Volumes finished one way or another.</summary>
    public int Completed => Ok + Failed + Skipped;
}
