using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Spark3D.Actors.Cluster;

/// <summary>A running worker node (see <see cref="PreprocessCluster.StartWorker"/>).</summary>
public sealed class PreprocessWorkerNode : IAsyncDisposable
{
    internal PreprocessWorkerNode(ActorSystem system, IActorRef worker)
    {
        System = system;
        Worker = worker;
        Completion = AwaitDoneAsync();
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>This node's cluster address.</summary>
    public Address Address => AkkaCluster.Get(System).SelfAddress;

    /// <summary>The worker actor (accepts <see cref="GetWorkerStatus"/>).</summary>
    public IActorRef Worker { get; }

    /// <summary>
    /// Completes when the worker stops pulling: <see cref="WorkerOutcome.AllWorkDone"/> true when the coordinator said so;
    /// false when the coordinator node left or this actor system terminated first.
    /// </summary>
    public Task<WorkerOutcome> Completion { get; }

    /// <summary>Leaves the cluster gracefully (CoordinatedShutdown) and waits for the actor system to stop.</summary>
    public Task ShutdownAsync() => ClusterNodeShutdown.LeaveAsync(System);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private async Task<WorkerOutcome> AwaitDoneAsync()
    {
        var ask = Worker.Ask<WorkerOutcome>(AwaitWorkerDone.Instance, Timeout.InfiniteTimeSpan);
        var first = await Task.WhenAny(ask, System.WhenTerminated).ConfigureAwait(false);
        return first == ask ? await ask.ConfigureAwait(false) : new WorkerOutcome(false, PreprocessWorker.SystemStoppedReason);
    }
}
