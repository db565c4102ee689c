using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Entry points for the host: start a coordinator node (<c>spark3d preprocess --cluster</c>) or a worker node
/// (<c>spark3d node --role preprocess --seed HOST:PORT</c>). Each creates its own ActorSystem from
/// <see cref="ClusterNodeOptions"/> via <see cref="ClusterConfig"/> and returns a handle to await and shut down.
/// </summary>
public static class PreprocessCluster
{
    /// <summary>Name of the singleton manager actor (<c>/user/preprocess-coordinator</c>).</summary>
    public const string CoordinatorManagerName = "preprocess-coordinator";

    /// <summary>Name of the singleton proxy actor on every node.</summary>
    public const string CoordinatorProxyName = "preprocess-coordinator-proxy";

    /// <summary>Name of the worker actor on a preprocess node.</summary>
    public const string WorkerName = "preprocess-worker";

    private const string SingletonName = "coordinator";

    /// <summary>
    /// Starts a coordinator node: an ActorSystem with role <c>coordinator</c> (plus <c>preprocess</c> when
    /// <paramref name="localJob"/> is given, so this node also works), the coordinator singleton and its proxy.
    /// With no seeds the node forms a new cluster by joining itself. The caller owns <paramref name="journal"/>.
    /// Akka's log goes to <paramref name="logs"/> when given.
    /// </summary>
    /// <exception cref="WorkJournalFormatException">The journal holds a malformed entry.</exception>
    public static PreprocessCoordinatorNode StartCoordinator(
        ClusterNodeOptions node,
        PreprocessJobOptions job,
        IReadOnlyList<VolumeWorkItem> items,
        IWorkJournal journal,
        IVolumeJob? localJob = null,
        ClusterMetrics? metrics = null,
        ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(journal);
        job.Validate();

        // Read the journal once up front: a corrupt one fails here with its typed exception, not inside the singleton.
        _ = journal.Load();

        var roles = WithRoles(node.Roles, localJob is null ? [ClusterRoles.Coordinator] : [ClusterRoles.Coordinator, ClusterRoles.Preprocess]);
        var system = ActorSystem.Create(node.SystemName, ClusterConfig.Setup(node with { Roles = roles }, logs));
        WarnIfInsecure(system, node);
        try
        {
            var cluster = AkkaCluster.Get(system);
            if (node.Seeds.Count == 0)
            {
                cluster.Join(cluster.SelfAddress);
            }

            StartCoordinatorSingleton(system, PreprocessCoordinator.Props(items, journal, job, metrics));
            var proxy = StartCoordinatorProxy(system);
            var worker = localJob is null ? null : system.ActorOf(PreprocessWorker.Props(proxy, localJob, job), WorkerName);
            return new PreprocessCoordinatorNode(system, proxy, worker);
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }

    /// <summary>
    /// Starts a worker node: an ActorSystem with role <c>preprocess</c> that joins <see cref="ClusterNodeOptions.Seeds"/>
    /// (required), a coordinator proxy and one <see cref="PreprocessWorker"/>. Akka's log goes to <paramref name="logs"/> when given.
    /// </summary>
    public static PreprocessWorkerNode StartWorker(ClusterNodeOptions node, PreprocessJobOptions job, IVolumeJob volumeJob, ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(volumeJob);
        job.Validate();
        if (node.Seeds.Count == 0)
        {
            throw new ArgumentException("a worker node needs at least one seed (the coordinator's HOST:PORT)", nameof(node));
        }

        var roles = WithRoles(node.Roles, [ClusterRoles.Preprocess]);
        var system = ActorSystem.Create(node.SystemName, ClusterConfig.Setup(node with { Roles = roles }, logs));
        WarnIfInsecure(system, node);
        try
        {
            var proxy = StartCoordinatorProxy(system);
            var worker = system.ActorOf(PreprocessWorker.Props(proxy, volumeJob, job), WorkerName);
            return new PreprocessWorkerNode(system, worker);
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }

    /// <summary>Starts the singleton manager for the coordinator on an existing system (role <c>coordinator</c>).</summary>
    public static IActorRef StartCoordinatorSingleton(ActorSystem system, Props coordinatorProps)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = ClusterSingletonManagerSettings.Create(system)
            .WithRole(ClusterRoles.Coordinator)
            .WithSingletonName(SingletonName);
        return system.ActorOf(ClusterSingletonManager.Props(coordinatorProps, PoisonPill.Instance, settings), CoordinatorManagerName);
    }

    /// <summary>Starts a proxy to the coordinator singleton on an existing system (any role).</summary>
    public static IActorRef StartCoordinatorProxy(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = ClusterSingletonProxySettings.Create(system)
            .WithRole(ClusterRoles.Coordinator)
            .WithSingletonName(SingletonName);
        return system.ActorOf(ClusterSingletonProxy.Props("/user/" + CoordinatorManagerName, settings), CoordinatorProxyName);
    }

    // The host prints the same text to stderr before starting; this puts it in the node's own log as well.
    private static void WarnIfInsecure(ActorSystem system, ClusterNodeOptions node)
    {
        if (ClusterConfig.InsecureBindingWarning(node) is { } warning)
        {
            system.Log.Warning("SECURITY: {0}", warning);
        }
    }

    private static List<string> WithRoles(IReadOnlyList<string> roles, string[] required) =>
        roles.Concat(required).Distinct(StringComparer.Ordinal).ToList();
}
