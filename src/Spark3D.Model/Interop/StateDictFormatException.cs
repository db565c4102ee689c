namespace Spark3D.Model.Interop;

/// <summary>A state-dict file could not be read or does not fit the network; the message names the file.</summary>
public sealed class StateDictFormatException : Exception
{
    public StateDictFormatException(string message) : base(message) { }
    public StateDictFormatException(string message, Exception inner) : base(message, inner) { }
}
