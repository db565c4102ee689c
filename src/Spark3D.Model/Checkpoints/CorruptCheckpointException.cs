namespace Spark3D.Model.Checkpoints;

/// <summary>A checkpoint file is truncated, altered or not a checkpoint; the message names the file and the problem.</summary>
public sealed class CorruptCheckpointException : Exception
{
    public CorruptCheckpointException(string path, string problem)
        : base($"{path}: corrupt checkpoint: {problem}")
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
