namespace Spark3D.Actors.Cluster;

/// <summary>A work journal file holds a line that is not a valid entry (other than a torn last line).</summary>
public sealed class WorkJournalFormatException : Exception
{
    /// <summary>Creates the exception for a bad line of a journal file.</summary>
    public WorkJournalFormatException(string path, int lineNumber, string problem, Exception? inner = null)
        : base($"Work journal '{path}', line {lineNumber}: {problem}", inner)
    {
        Path = path;
        LineNumber = lineNumber;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>1-based line number of the bad line.</summary>
    public int LineNumber { get; }
}
