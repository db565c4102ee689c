using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>Outcome of a <see cref="DatasetPreprocessor"/> run.</summary>
/// <param name="Total">Volumes in the input list.</param>
/// <param name="Ok">Volumes preprocessed in this run.</param>
/// <param name="Failed">Volumes that failed in this run.</param>
/// <param name="Skipped">Volumes found done from an earlier run.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="ManifestPath">The dataset manifest written.</param>
/// <param name="Failures">The failed entries of this run (id, source, reason).</param>
/// <param name="Timings">Time per preprocessing stage summed over the volumes built in this run (hashing of skipped
/// volumes included); with several volumes in parallel the sum can exceed <paramref name="Elapsed"/>.</param>
public sealed record PreprocessSummary(
    int Total, int Ok, int Failed, int Skipped, TimeSpan Elapsed, string ManifestPath, IReadOnlyList<ManifestEntry> Failures,
    StageTimings? Timings = null);
