using Akka.Actor;

namespace Spark3D.Actors.Cluster;

/// <summary>Graceful exit shared by coordinator and worker nodes: leave the cluster, then wait for the system to stop.</summary>
internal static class ClusterNodeShutdown
{
    public static async Task LeaveAsync(ActorSystem system)
    {
        if (system.WhenTerminated.IsCompleted) return;
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await system.WhenTerminated.ConfigureAwait(false);
    }
}
