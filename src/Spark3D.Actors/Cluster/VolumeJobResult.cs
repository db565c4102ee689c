namespace Spark3D.Actors.Cluster;

/// <summary>
/// Outcome of one <see cref="IVolumeJob.Run"/>: either ok (output file, content hash, small stats) or failed (reason).
/// Only these few short strings travel back to the coordinator, never voxel data.
/// </summary>
public sealed record VolumeJobResult
{
    private VolumeJobResult(bool succeeded, string? outputPath, string? contentHash, string? stats, string? reason)
    {
        Succeeded = succeeded;
        OutputPath = outputPath;
        ContentHash = contentHash;
        Stats = stats;
        Reason = reason;
    }

    /// <summary>True when the output file was written.</summary>
    public bool Succeeded { get; }

    /// <summary>Output file path relative to the shared output directory (ok only).</summary>
    public string? OutputPath { get; }

    /// <summary>Content hash of the output file, e.g. lowercase hex SHA-256 (ok only).</summary>
    public string? ContentHash { get; }

    /// <summary>Small stats as a short string or JSON object (ok only; may be empty).</summary>
    public string? Stats { get; }

    /// <summary>Why the job failed (failed only).</summary>
    public string? Reason { get; }

    /// <summary>The exception behind a failure, when there was one: logged with its stack trace by the worker on its own
    /// node; never sent to the coordinator (only <see cref="Reason"/> is).</summary>
    public Exception? Cause { get; private init; }

    /// <summary>A successful result.</summary>
    public static VolumeJobResult Ok(string outputPath, string contentHash, string stats = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        return new VolumeJobResult(true, outputPath, contentHash, stats ?? "", null);
    }

    /// <summary>A failed result with a one-line reason (and the exception behind it, for the node's log).</summary>
    public static VolumeJobResult Failed(string reason, Exception? cause = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new VolumeJobResult(false, null, null, null, reason) { Cause = cause };
    }
}
