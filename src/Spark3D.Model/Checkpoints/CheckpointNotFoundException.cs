namespace Spark3D.Model.Checkpoints;

/// <summary>No readable checkpoint exists in the store's directory.</summary>
public sealed class CheckpointNotFoundException : Exception
{
    public CheckpointNotFoundException(string message) : base(message) { }
}
