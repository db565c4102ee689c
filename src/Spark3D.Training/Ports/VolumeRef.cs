namespace Spark3D.Training.Ports;

/// <summary>A reference to one training volume: a stable id (used in the cursor, quarantine and traces) and where it lives.
/// The pipeline passes only these between the loader and the preprocessors; voxels are read by <see cref="IPatchProducer"/>.</summary>
public sealed record VolumeRef(string Id, string Path);
