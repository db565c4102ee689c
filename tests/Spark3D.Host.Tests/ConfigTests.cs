using Spark3D.Actors.Cluster;
using Spark3D.Host.Config;

namespace Spark3D.Host.Tests;

public class ConfigTests
{
    [Fact]
    public void Overrides_win_over_file_and_defaults()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.test { a = 1, b = 2 }");
        try
        {
            var c = Spark3DConfig.Load(file, ["spark3d.test.b=3", "spark3d.test.s=/tmp/x y"]);
            Assert.Equal(1, c.GetInt("spark3d.test.a"));
            Assert.Equal(3, c.GetInt("spark3d.test.b"));
            Assert.Equal("/tmp/x y", c.GetString("spark3d.test.s"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Bad_override_is_a_clear_error() =>
        Assert.Contains("path=value", Assert.Throws<ArgumentException>(() => Spark3DConfig.Load(null, ["nonsense"])).Message);

    [Fact]
    public void Akka_section_of_file_and_overrides_reaches_cluster_nodes()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "akka.remote.dot-netty.tcp.ssl.certificate { path = \"/etc/node.pfx\" }");
        try
        {
            var config = Spark3DConfig.Load(file, ["akka.remote.dot-netty.tcp.enable-ssl=true", "spark3d.cluster.port=4100"]);
            var akka = ClusterConfig.Build(ClusterOptionsMapper.Node(config));
            Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
            Assert.Equal("/etc/node.pfx", akka.GetString("akka.remote.dot-netty.tcp.ssl.certificate.path"));
            Assert.Equal(4100, akka.GetInt("akka.remote.dot-netty.tcp.port"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Without_an_akka_section_nodes_get_no_overrides() =>
        Assert.Equal("", ClusterOptionsMapper.Node(Spark3DConfig.Load(null, [])).AkkaOverrides);
}
