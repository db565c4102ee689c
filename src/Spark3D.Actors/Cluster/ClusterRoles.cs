namespace Spark3D.Actors.Cluster;

/// <summary>Cluster role names.</summary>
public static class ClusterRoles
{
    /// <summary>Hosts the <see cref="PreprocessCoordinator"/> singleton.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>Runs a <see cref="PreprocessWorker"/>.</summary>
    public const string Preprocess = "preprocess";
}
