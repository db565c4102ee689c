namespace Spark3D.Actors.Cluster;

/// <summary>Split-brain-resolver strategies we support (Akka's <c>active-strategy</c>).</summary>
public enum SplitBrainStrategy
{
    /// <summary>Keep the side with more members (Akka's default).</summary>
    KeepMajority,

    /// <summary>Keep the side with the oldest member (the coordinator, when it starts first).</summary>
    KeepOldest,

    /// <summary>Keep a side only if it has at least <see cref="ClusterNodeOptions.StaticQuorumSize"/> members.</summary>
    StaticQuorum,
}
