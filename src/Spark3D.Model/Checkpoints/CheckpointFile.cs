namespace Spark3D.Model.Checkpoints;

/// <summary>A checkpoint file in a store directory.</summary>
/// <param name="Step">The step encoded in its name.</param>
/// <param name="Path">Full path.</param>
public sealed record CheckpointFile(long Step, string Path);
