using Spark3D.Actors.Cluster;

namespace Spark3D.Host.Cluster;

/// <summary>What a cluster node says on stderr before it starts.</summary>
internal static class ClusterNodeWarnings
{
    /// <summary>
    /// A banner on stderr when the node binds a non-loopback address without TLS (<see cref="ClusterConfig.InsecureBindingWarning"/>):
    /// it is the one mistake that opens the node to its network, so it is not left to a log level.
    /// </summary>
    public static void WarnIfInsecure(ClusterNodeOptions node, string command)
    {
        if (ClusterConfig.InsecureBindingWarning(node) is not { } warning) return;
        var rule = new string('!', 78);
        Console.Error.WriteLine(rule);
        Console.Error.WriteLine($"{command}: WARNING: {warning}");
        Console.Error.WriteLine(rule);
    }
}
