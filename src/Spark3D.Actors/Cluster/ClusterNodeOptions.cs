namespace Spark3D.Actors.Cluster;

/// <summary>How one node joins the cluster (HOCON <c>spark3d.cluster</c>; <see cref="ClusterConfig"/> turns it into Akka HOCON).</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>Actor system name; must be the same on every node.</summary>
    public string SystemName { get; init; } = "spark3d";

    /// <summary>Address to bind remoting to. 127.0.0.1 keeps the node local; use 0.0.0.0 plus <see cref="PublicHostname"/> across machines.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Port to bind; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Hostname other nodes use to reach this one (empty: same as <see cref="Hostname"/>).</summary>
    public string PublicHostname { get; init; } = "";

    /// <summary>Seed nodes as <c>host:port</c> or full <c>akka.tcp://system@host:port</c>. Empty: the node forms a new cluster by joining itself.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Cluster roles of this node (<see cref="ClusterRoles.Coordinator"/>, <see cref="ClusterRoles.Preprocess"/>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Split-brain-resolver strategy; identical on every node.</summary>
    public SplitBrainStrategy SplitBrainResolver { get; init; } = SplitBrainStrategy.KeepMajority;

    /// <summary>Quorum for <see cref="SplitBrainStrategy.StaticQuorum"/>.</summary>
    public int StaticQuorumSize { get; init; } = 1;

    /// <summary>The SBR decides after membership has been stable this long.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Gossip interval (Akka default 1 s; tests shorten it).</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failure-detector heartbeat interval (Akka default 1 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Missing heartbeats tolerated this long before a node is unreachable (Akka default 3 s).</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How soon a node that could not reach its seeds (e.g. a worker started before the coordinator) tries again:
    /// Akka's <c>seed-node-timeout</c> and remoting's <c>retry-gate-closed-for</c> (Akka defaults 5 s each, which made
    /// such a worker idle 5–10 s).
    /// </summary>
    public TimeSpan JoinRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Akka log level (DEBUG, INFO, WARNING, ERROR, OFF).</summary>
    public string LogLevel { get; init; } = "INFO";

    /// <summary>Mutual TLS for remoting (off by default; see <see cref="ClusterTlsOptions"/>).</summary>
    public ClusterTlsOptions Tls { get; init; } = new();

    /// <summary>
    /// Raw Akka HOCON (rooted at <c>akka</c>) layered over what <see cref="ClusterConfig"/> derives from these options:
    /// TLS for remoting, transport tuning and anything else spark3d has no setting of its own for. Empty: none.
    /// </summary>
    public string AkkaOverrides { get; init; } = "";
}
