namespace Spark3D.Actors.Cluster;

/// <summary>
/// Marker for every message that may cross the wire between cluster nodes. The HOCON built by
/// <see cref="ClusterConfig"/> binds this interface to <see cref="ClusterMessageSerializer"/>, so no
/// cluster message ever falls back to the Newtonsoft default serializer.
/// </summary>
public interface IClusterMessage;
