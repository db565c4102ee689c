using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>
/// One line of <c>manifest.jsonl</c>: the outcome for one source volume. A volume may appear several times (retries);
/// the last line for an id wins. Field names are camelCase in JSON; shapes/spacings are [x,y,z], affines 4×4 rows.
/// </summary>
public sealed record ManifestEntry
{
    /// <summary>Stable id of the volume (e.g. its source path relative to the input root).</summary>
    public required string Id { get; init; }

    public required string SourcePath { get; init; }

    /// <summary>SHA-256 of the source file bytes, lowercase hex (<see cref="ContentHasher"/>).</summary>
    public required string ContentHash { get; init; }

    public required ManifestStatus Status { get; init; }

    /// <summary>Why it failed (null when ok).</summary>
    public string? Reason { get; init; }

    /// <summary>Cache file, relative to the manifest's directory (null when failed).</summary>
    public string? OutputFile { get; init; }

    public Shape3? OriginalShape { get; init; }

    public Spacing3? OriginalSpacing { get; init; }

    public Affine? OriginalAffine { get; init; }

    public Shape3? NewShape { get; init; }

    public Spacing3? NewSpacing { get; init; }

    public VolumeStats? Stats { get; init; }

    /// <summary>Wall time spent on this volume.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>When the entry was written.</summary>
    public DateTimeOffset? TimestampUtc { get; init; }
}
