using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Spark3D.Actors.Cluster;

/// <summary>A running coordinator node (see <see cref="PreprocessCluster.StartCoordinator"/>).</summary>
public sealed class PreprocessCoordinatorNode : IAsyncDisposable
{
    internal PreprocessCoordinatorNode(ActorSystem system, IActorRef coordinator, IActorRef? localWorker)
    {
        System = system;
        Coordinator = coordinator;
        LocalWorker = localWorker;
        Completion = AwaitCompletionAsync();
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>This node's cluster address (with the bound port; give <c>host:port</c> to workers as their seed).</summary>
    public Address Address => AkkaCluster.Get(System).SelfAddress;

    /// <summary>Proxy to the coordinator singleton: send <see cref="GetClusterStatus"/> or <see cref="AwaitCompletion"/> here.</summary>
    public IActorRef Coordinator { get; }

    /// <summary>The worker on this node, when the coordinator also works.</summary>
    public IActorRef? LocalWorker { get; }

    /// <summary>
    /// Completes with the <see cref="JobSummary"/> once every item is done or failed; faults with
    /// <see cref="InvalidOperationException"/> if the actor system terminates first.
    /// </summary>
    public Task<JobSummary> Completion { get; }

    /// <summary>Asks the coordinator for a <see cref="ClusterStatus"/> snapshot.</summary>
    public Task<ClusterStatus> GetStatusAsync(TimeSpan timeout) => Coordinator.Ask<ClusterStatus>(GetClusterStatus.Instance, timeout);

    /// <summary>Leaves the cluster gracefully (CoordinatedShutdown) and waits for the actor system to stop.</summary>
    public Task ShutdownAsync() => ClusterNodeShutdown.LeaveAsync(System);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private async Task<JobSummary> AwaitCompletionAsync()
    {
        var ask = Coordinator.Ask<JobSummary>(AwaitCompletion.Instance, Timeout.InfiniteTimeSpan);
        var first = await Task.WhenAny(ask, System.WhenTerminated).ConfigureAwait(false);
        return first == ask
            ? await ask.ConfigureAwait(false)
            : throw new InvalidOperationException("the coordinator's actor system terminated before every item was done or failed");
    }
}
