namespace Spark3D.Actors.Cluster;

/// <summary>One unit of preprocessing work: a volume id and where its source file lives (shared storage).</summary>
/// <param name="Id">Stable, unique volume id (also names the output file).</param>
/// <param name="SourcePath">Path of the source volume as every node sees it.</param>
public sealed record VolumeWorkItem(string Id, string SourcePath) : IClusterMessage;
