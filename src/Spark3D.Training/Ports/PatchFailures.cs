using Spark3D.Data.Cache;

namespace Spark3D.Training.Ports;

/// <summary>The failure contract of <see cref="IPatchProducer"/>: which exceptions are worth a retry.</summary>
public static class PatchFailures
{
    /// <summary>IO errors that may go away on retry (a busy network share), as opposed to a missing, truncated or corrupt
    /// file: a cache file that fails its format checks is an IOException too, but retrying cannot fix it.</summary>
    public static bool IsTransient(Exception e) =>
        e is IOException and not FileNotFoundException and not DirectoryNotFoundException and not EndOfStreamException
            and not CacheFormatException;
}
