namespace Spark3D.Data.Nifti;

/// <summary>
/// A NIfTI file could not be read or written: the message always names the file and the problem
/// (truncated header, wrong magic, unsupported datatype, ...). The only exception the reader lets escape
/// for bad input.
/// </summary>
public sealed class NiftiFormatException : Exception
{
    public NiftiFormatException()
        : this("(unknown file)", "unknown NIfTI problem") { }

    public NiftiFormatException(string message)
        : this("(unknown file)", message) { }

    public NiftiFormatException(string message, Exception innerException)
        : this("(unknown file)", message, innerException) { }

    public NiftiFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file that was being read (header or data file).</summary>
    public string FilePath { get; }

    /// <summary>The problem alone, without the file name.</summary>
    public string Problem { get; }
}
