using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace Spark3D.Actors.Cluster;

/// <summary>Builds the Akka HOCON for a cluster node from <see cref="ClusterNodeOptions"/>.</summary>
public static class ClusterConfig
{
    /// <summary>Name under which <see cref="ClusterMessageSerializer"/> is registered.</summary>
    public const string SerializerName = "spark3d-cluster";

    /// <summary>
    /// Akka config: cluster provider, remoting on hostname:port, seeds, roles, split-brain resolver
    /// (<c>down-all-when-unstable = off</c>), timings, every <see cref="IClusterMessage"/> bound to our serializer and
    /// Akka's <c>json</c> serializer replaced by <see cref="RefusingJsonSerializer"/>;
    /// <see cref="ClusterNodeOptions.AkkaOverrides"/> wins over all of it.
    /// </summary>
    public static Config Build(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var derived = ConfigurationFactory.ParseString(BuildHocon(options));
        if (string.IsNullOrWhiteSpace(options.AkkaOverrides))
        {
            return derived;
        }

        var overrides = Configuration.GuardedHoconParser.Parse(options.AkkaOverrides, "the akka overrides");
        return overrides.WithFallback(derived);
    }

    /// <summary>The HOCON text <see cref="Build"/> parses (handy for writing into a run directory).</summary>
    public static string BuildHocon(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"cluster port must be 0..65535, got {options.Port}", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Hostname))
        {
            throw new ArgumentException("cluster hostname is empty", nameof(options));
        }

        if (options.SplitBrainResolver == SplitBrainStrategy.StaticQuorum && options.StaticQuorumSize < 1)
        {
            throw new ArgumentException($"static-quorum needs quorum size >= 1, got {options.StaticQuorumSize}", nameof(options));
        }

        var seeds = options.Seeds.Select(s => Quote(SeedAddress(options.SystemName, s, options.Tls.Enabled)));
        var roles = options.Roles.Select(Quote);
        var serializerType = typeof(ClusterMessageSerializer).AssemblyQualifiedNameShort();
        var refusingType = typeof(RefusingJsonSerializer).AssemblyQualifiedNameShort();
        var markerType = typeof(IClusterMessage).AssemblyQualifiedNameShort();

        var sb = new StringBuilder();
        sb.AppendLine("akka {");
        sb.AppendLine($"  loglevel = {Quote(options.LogLevel)}");
        sb.AppendLine("  actor {");
        sb.AppendLine("    provider = cluster");
        // "json" (Newtonsoft with $type names, id 1) is replaced, not just left unbound: Akka.Remote deserializes with
        // whatever serializer id an inbound envelope names, so a bound Newtonsoft would build any type a peer names.
        sb.AppendLine($"    serializers {{ {SerializerName} = {Quote(serializerType)}, json = {Quote(refusingType)} }}");
        sb.AppendLine($"    serialization-bindings {{ {Quote(markerType)} = {SerializerName} }}");
        sb.AppendLine("  }");
        sb.AppendLine($"  remote.retry-gate-closed-for = {Ms(options.JoinRetryInterval)}");
        sb.AppendLine("  remote.dot-netty.tcp {");
        sb.AppendLine($"    hostname = {Quote(options.Hostname)}");
        sb.AppendLine($"    port = {options.Port.ToString(CultureInfo.InvariantCulture)}");
        if (!string.IsNullOrWhiteSpace(options.PublicHostname))
        {
            sb.AppendLine($"    public-hostname = {Quote(options.PublicHostname)}");
        }

        if (options.Tls.Enabled)
        {
            // The certificate and the validator come with Setup (DotNettySslSetup); HOCON only switches TLS on.
            sb.AppendLine("    enable-ssl = true");
            sb.AppendLine("    ssl { require-mutual-authentication = true, validate-certificate-hostname = false }");
        }

        sb.AppendLine("  }");
        sb.AppendLine("  cluster {");
        sb.AppendLine($"    seed-nodes = [{string.Join(", ", seeds)}]");
        sb.AppendLine($"    roles = [{string.Join(", ", roles)}]");
        sb.AppendLine($"    seed-node-timeout = {Ms(options.JoinRetryInterval)}");
        sb.AppendLine($"    gossip-interval = {Ms(options.GossipInterval)}");
        sb.AppendLine($"    leader-actions-interval = {Ms(options.GossipInterval)}");
        sb.AppendLine($"    unreachable-nodes-reaper-interval = {Ms(options.GossipInterval)}");
        sb.AppendLine($"    failure-detector.heartbeat-interval = {Ms(options.HeartbeatInterval)}");
        sb.AppendLine($"    failure-detector.acceptable-heartbeat-pause = {Ms(options.AcceptableHeartbeatPause)}");
        sb.AppendLine("    downing-provider-class = \"Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster\"");
        // Akka 1.5.73's proxy fires its "failed to find singleton after 30 seconds" warning at once (zero initial
        // delay) on every identification; the worker logs its own warning when registration keeps failing.
        sb.AppendLine("    singleton-proxy.log-singleton-identification-failure = off");
        sb.AppendLine("    split-brain-resolver {");
        sb.AppendLine($"      active-strategy = {StrategyName(options.SplitBrainResolver)}");
        sb.AppendLine($"      stable-after = {Ms(options.StableAfter)}");
        sb.AppendLine("      down-all-when-unstable = off");
        sb.AppendLine($"      static-quorum.quorum-size = {options.StaticQuorumSize.ToString(CultureInfo.InvariantCulture)}");
        sb.AppendLine("    }");
        sb.AppendLine("  }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>
    /// What a cluster node's ActorSystem is created with: <see cref="Build"/> plus a log filter that drops Akka
    /// remoting's "Disassociated" error and warning (with stack traces). Akka logs them whenever a peer's connection
    /// closes, including every normal worker exit after "all work done"; a peer that really fails is reported by the
    /// coordinator itself (unreachable, re-queued leases) and in its metrics.
    /// With TLS on, the node's certificate and its peer validator (<see cref="ClusterTls"/>) come with it. With
    /// <paramref name="logs"/>, Akka's log goes there (<see cref="Logging.LoggerFactorySetup"/>).
    /// </summary>
    public static Akka.Actor.Setup.ActorSystemSetup Setup(ClusterNodeOptions options, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setup = Logging.LoggerFactorySetup.Route(Akka.Actor.BootstrapSetup.Create(), Build(options), logs)
            .And(new Akka.Event.LogFilterBuilder().ExcludeMessageContaining("Disassociated").Build());
        return options.Tls.Enabled ? setup.And(ClusterTls.Setup(options.Tls)) : setup;
    }

    /// <summary>
    /// The start-up warning for a node that binds an address other machines can reach without TLS (null when it binds
    /// loopback only, or TLS is on through spark3d.cluster.tls or raw akka overrides): any host that reaches the port
    /// can then join, read every message and send results.
    /// </summary>
    public static string? InsecureBindingWarning(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = Build(options);
        var host = config.GetString("akka.remote.dot-netty.tcp.hostname");
        if (config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl") || IsLoopback(host))
        {
            return null;
        }

        return $"cluster remoting binds {host}:{config.GetInt("akka.remote.dot-netty.tcp.port")} WITHOUT TLS: any host that reaches this port can join " +
               "the cluster, read the work list and report results. Enable spark3d.cluster.tls (docs/cluster.md) or bind 127.0.0.1 " +
               "unless this network is trusted.";
    }

    /// <summary>Turns <c>host:port</c> into <c>akka.tcp://system@host:port</c> (<c>akka.ssl.tcp</c> with TLS); full addresses pass through.</summary>
    public static string SeedAddress(string systemName, string seed, bool tls = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seed);
        if (seed.Contains("://", StringComparison.Ordinal))
        {
            return seed;
        }

        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"seed '{seed}' is not HOST:PORT (port 1..65535) or akka.tcp://SYSTEM@HOST:PORT", nameof(seed));
        }

        return $"akka.{(tls ? "ssl.tcp" : "tcp")}://{systemName}@{seed}";
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>HOCON name of a strategy.</summary>
    public static string StrategyName(SplitBrainStrategy strategy) => strategy switch
    {
        SplitBrainStrategy.KeepMajority => "keep-majority",
        SplitBrainStrategy.KeepOldest => "keep-oldest",
        SplitBrainStrategy.StaticQuorum => "static-quorum",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown split-brain-resolver strategy"),
    };

    /// <summary>Parses a HOCON strategy name (keep-majority, keep-oldest, static-quorum).</summary>
    public static SplitBrainStrategy ParseStrategy(string name) => name switch
    {
        "keep-majority" => SplitBrainStrategy.KeepMajority,
        "keep-oldest" => SplitBrainStrategy.KeepOldest,
        "static-quorum" => SplitBrainStrategy.StaticQuorum,
        _ => throw new ArgumentException($"unknown split-brain-resolver strategy '{name}' (keep-majority, keep-oldest, static-quorum)", nameof(name)),
    };

    private static string Ms(TimeSpan t) => ((long)Math.Max(1, t.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string AssemblyQualifiedNameShort(this Type t) => $"{t.FullName}, {t.Assembly.GetName().Name}";
}
