using Spark3D.Actors.Cluster;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.cluster</c> onto <see cref="ClusterNodeOptions"/> and <see cref="PreprocessJobOptions"/> (docs/cluster.md).</summary>
public static class ClusterOptionsMapper
{
    /// <summary>How this node joins the cluster (command-line flags are applied by the caller with <c>with</c>).</summary>
    public static ClusterNodeOptions Node(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.cluster");
        return new ClusterNodeOptions
        {
            SystemName = c.GetString("system-name"),
            Hostname = c.GetString("hostname"),
            PublicHostname = c.GetString("public-hostname") ?? "",
            Port = c.GetInt("port"),
            Seeds = c.GetStringList("seeds").ToList(),
            Roles = c.GetStringList("roles").ToList(),
            SplitBrainResolver = ClusterConfig.ParseStrategy(c.GetString("split-brain-resolver")),
            StaticQuorumSize = c.GetInt("static-quorum-size"),
            StableAfter = c.GetTimeSpan("stable-after"),
            HeartbeatInterval = c.GetTimeSpan("heartbeat-interval"),
            AcceptableHeartbeatPause = c.GetTimeSpan("acceptable-heartbeat-pause"),
            GossipInterval = c.GetTimeSpan("gossip-interval"),
            JoinRetryInterval = c.GetTimeSpan("join-retry-interval"),
            LogLevel = c.GetString("log-level"),
            Tls = Tls(c.GetConfig("tls")),
            AkkaOverrides = AkkaSection(config),
        };
    }

    private static ClusterTlsOptions Tls(Akka.Configuration.Config t)
    {
        var tls = new ClusterTlsOptions
        {
            Enabled = t.GetBoolean("enabled"),
            CertificatePath = t.GetString("certificate") ?? "",
            CertificatePassword = t.GetString("certificate-password") ?? "",
            CaCertificatePath = t.GetString("ca-certificate") ?? "",
        };
        if (tls.Enabled && (tls.CertificatePath.Length == 0 || tls.CaCertificatePath.Length == 0))
            throw new InvalidConfigException("spark3d.cluster.tls.enabled = true needs certificate (PKCS#12 with its key) and ca-certificate (the cluster CA); see docs/cluster.md");
        return tls;
    }

    /// <summary>
    /// The top-level <c>akka</c> section of the layered config (--config file, -D akka.…), passed to every cluster
    /// node as raw Akka HOCON: remoting TLS and transport tuning live there (docs/cluster.md).
    /// </summary>
    public static string AkkaSection(Akka.Configuration.Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.HasPath("akka") ? "akka " + config.GetConfig("akka").Root.ToString(1) : "";
    }

    /// <summary>Work-pulling settings.</summary>
    public static PreprocessJobOptions Job(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.cluster");
        var options = new PreprocessJobOptions
        {
            LeaseTimeout = c.GetTimeSpan("lease-timeout"),
            LeaseCheckInterval = c.GetTimeSpan("lease-check-interval"),
            RequestBatchSize = c.GetInt("request-batch-size"),
            WorkerParallelism = c.GetInt("worker-parallelism"),
            RegistrationRetryInterval = c.GetTimeSpan("registration-retry-interval"),
            RegistrationTimeout = c.GetTimeSpan("registration-timeout"),
            NoWorkRetryInterval = c.GetTimeSpan("no-work-retry-interval"),
            RequestTimeout = c.GetTimeSpan("request-timeout"),
        };
        options.Validate();
        return options;
    }
}
