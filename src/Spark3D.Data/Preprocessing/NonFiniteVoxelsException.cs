namespace Spark3D.Data.Preprocessing;

/// <summary>
/// A volume holds NaN or ±Inf voxels, so it cannot be normalised (nnssl skips such images). The preprocessing
/// step records the volume as failed with this message.
/// </summary>
public sealed class NonFiniteVoxelsException : Exception
{
    public NonFiniteVoxelsException(long count, long total)
        : base($"Volume has {count} NaN/Inf voxel(s) out of {total}; it cannot be z-scored.")
    {
        Count = count;
    }

    public NonFiniteVoxelsException() { }

    public NonFiniteVoxelsException(string message) : base(message) { }

    public NonFiniteVoxelsException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Number of NaN/Inf voxels.</summary>
    public long Count { get; }
}
