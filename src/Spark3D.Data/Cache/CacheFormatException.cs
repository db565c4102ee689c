namespace Spark3D.Data.Cache;

/// <summary>A cache volume file or manifest is corrupt, truncated or not ours. The message names the file and the problem.</summary>
public sealed class CacheFormatException : IOException
{
    public CacheFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it (without the path).</summary>
    public string Problem { get; }
}
