namespace Spark3D.Training.Patches;

/// <summary>A volume that can never yield a training patch (corrupt cache file, all-NaN, empty, too small). Not an
/// <see cref="IOException"/>, so the pipeline quarantines it at once instead of retrying.</summary>
public sealed class UnusableVolumeException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> and a one-line <paramref name="problem"/>.</summary>
    public UnusableVolumeException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Creates the exception with no details.</summary>
    public UnusableVolumeException() : this("", "unusable volume") { }

    /// <summary>Creates the exception with a message.</summary>
    public UnusableVolumeException(string message) : this("", message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnusableVolumeException(string message, Exception inner) : this("", message, inner) { }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
