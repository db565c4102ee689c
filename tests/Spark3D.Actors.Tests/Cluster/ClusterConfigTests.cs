using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public class ClusterConfigTests
{
    [Fact]
    public void Builds_remoting_roles_seeds_and_split_brain_settings()
    {
        var config = ClusterConfig.Build(new ClusterNodeOptions
        {
            Port = 4053,
            PublicHostname = "node1.example",
            Seeds = ["10.0.0.5:4053", "akka.tcp://spark3d@10.0.0.6:4053"],
            Roles = [ClusterRoles.Preprocess],
            SplitBrainResolver = SplitBrainStrategy.StaticQuorum,
            StaticQuorumSize = 2,
            StableAfter = TimeSpan.FromSeconds(7),
            JoinRetryInterval = TimeSpan.FromMilliseconds(1500),
        });

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("node1.example", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(["akka.tcp://spark3d@10.0.0.5:4053", "akka.tcp://spark3d@10.0.0.6:4053"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["preprocess"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal("static-quorum", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(2, config.GetInt("akka.cluster.split-brain-resolver.static-quorum.quorum-size"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("off", config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.cluster.seed-node-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
        Assert.Equal(ClusterConfig.SerializerName, config.GetString("akka.actor.serialization-bindings.\"Spark3D.Actors.Cluster.IClusterMessage, Spark3D.Actors\""));
    }

    [Fact]
    public void Akka_overrides_win_and_leave_the_rest_alone()
    {
        var config = ClusterConfig.Build(new ClusterNodeOptions
        {
            Port = 4053,
            AkkaOverrides = """
                akka.remote.dot-netty.tcp {
                  enable-ssl = true
                  ssl.certificate { path = "/etc/spark3d/node.pfx", password = "secret" }
                  port = 5000
                }
                """,
        });

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal("/etc/spark3d/node.pfx", config.GetString("akka.remote.dot-netty.tcp.ssl.certificate.path"));
        Assert.Equal(5000, config.GetInt("akka.remote.dot-netty.tcp.port")); // explicit Akka setting wins over ours
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
    }

    // Akka's parser silently accepts much broken text ("{{{", "a = } }") and never returns on an unclosed list
    // ("[1, 2 }"); an unresolved substitution is what it reliably rejects.
    [Fact]
    public void Malformed_akka_overrides_are_rejected() =>
        Assert.Contains("not valid HOCON", Assert.Throws<ArgumentException>(() => ClusterConfig.Build(new ClusterNodeOptions { AkkaOverrides = "akka { a = ${nope} }" })).Message);

    [Fact]
    public void Node_setup_drops_the_disassociated_noise_but_keeps_other_errors()
    {
        var setup = ClusterConfig.Setup(new ClusterNodeOptions { Port = 4053 });
        Assert.Equal(4053, setup.Get<Akka.Actor.BootstrapSetup>().Value.Config.Value.GetInt("akka.remote.dot-netty.tcp.port"));
        var filter = setup.Get<Akka.Event.LogFilterSetup>().Value.CreateEvaluator();
        var noise = new Akka.Event.Error(new InvalidOperationException("Disassociated"), "akka://spark3d/system/endpointManager/x/endpointWriter", typeof(object), "Disassociated");
        var real = new Akka.Event.Error(null, "akka://spark3d/user/coordinator", typeof(object), "Item 'v1' failed: bad header");
        Assert.False(filter.ShouldTryKeepMessage(noise, out _));
        Assert.True(filter.ShouldTryKeepMessage(real, out _));
    }

    [Theory]
    [InlineData("keep-majority", SplitBrainStrategy.KeepMajority)]
    [InlineData("keep-oldest", SplitBrainStrategy.KeepOldest)]
    [InlineData("static-quorum", SplitBrainStrategy.StaticQuorum)]
    public void Strategy_names_round_trip(string name, SplitBrainStrategy strategy)
    {
        Assert.Equal(strategy, ClusterConfig.ParseStrategy(name));
        Assert.Equal(name, ClusterConfig.StrategyName(strategy));
    }

    [Theory]
    [InlineData("nohost")]
    [InlineData("host:")]
    [InlineData("host:70000")]
    [InlineData(":4053")]
    public void Bad_seeds_are_rejected(string seed)
    {
        var ex = Assert.Throws<ArgumentException>(() => ClusterConfig.SeedAddress("spark3d", seed));
        Assert.Contains(seed, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_strategy_and_bad_port_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ClusterConfig.ParseStrategy("down-all"));
        Assert.Throws<ArgumentException>(() => ClusterConfig.Build(new ClusterNodeOptions { Port = 70000 }));
    }
}
