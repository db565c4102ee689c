using Spark3D.Actors.Cluster;
using Spark3D.Host.Config;

namespace Spark3D.Host.Tests;

public class ConfigTests
{
    [Fact]
    public void Overrides_win_over_file_and_defaults()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.pipeline { batch-size = 5, preprocessors = 7 }");
        try
        {
            var c = Spark3DConfig.Load(file, ["spark3d.pipeline.preprocessors=3", "spark3d.pretrain.run-directory=/tmp/x y"]);
            Assert.Equal(5, c.GetInt("spark3d.pipeline.batch-size"));
            Assert.Equal(3, c.GetInt("spark3d.pipeline.preprocessors"));
            Assert.Equal("/tmp/x y", c.GetString("spark3d.pretrain.run-directory"));
            Assert.Equal(Spark3DConfig.Defaults().GetInt("spark3d.train.steps"), c.GetInt("spark3d.train.steps"));
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

    [Fact]
    public void A_mistyped_override_is_rejected_with_the_closest_setting()
    {
        var e = Assert.Throws<UnknownSettingException>(() => Spark3DConfig.Load(null, ["spark3d.train.optimizer.lrr=0.1"]));
        Assert.Equal("spark3d.train.optimizer.lrr", e.Path);
        Assert.Equal("spark3d.train.optimizer.lr", e.Suggestion);
        Assert.Contains("-D spark3d.train.optimizer.lrr=0.1", e.Message);
    }

    [Fact]
    public void A_mistyped_key_in_a_file_is_rejected_naming_the_file()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.cluster { lease-timeout = 1m, lease-timout = 2m }");
        try
        {
            var e = Assert.Throws<UnknownSettingException>(() => Spark3DConfig.Load(file, []));
            Assert.Equal("spark3d.cluster.lease-timout", e.Path);
            Assert.Equal("spark3d.cluster.lease-timeout", e.Suggestion);
            Assert.Contains(file, e.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Nothing_close_means_no_suggestion() =>
        Assert.Null(Assert.Throws<UnknownSettingException>(() => Spark3DConfig.Load(null, ["spark3d.zzzzzzzzzzzz=1"])).Suggestion);

    [Fact]
    public void Demo_settings_and_raw_akka_are_free_form()
    {
        var c = Spark3DConfig.Load(null, ["spark3d.pretrain.demo.settings.train.optimizer.lr=0.5", "akka.remote.anything-at-all=1"]);
        Assert.Equal(0.5, c.GetDouble("spark3d.pretrain.demo.settings.train.optimizer.lr"));
    }

    // Regression: Akka's parser read ${?VAR} as a reference to the whole document, and loading such a file never ended.
    [Fact]
    public async Task An_optional_environment_substitution_in_a_config_file_is_its_value_or_the_default()
    {
        string variable = "SPARK3D_TEST_PW_" + Guid.NewGuid().ToString("N");
        string file = Path.GetTempFileName();
        File.WriteAllText(file, $"spark3d.cluster.tls.certificate-password = ${{?{variable}}}\nspark3d.train.steps = 7\n");
        try
        {
            Akka.Configuration.Config Load() => Spark3DConfig.Load(file, []);
            var unset = await Task.Run(Load).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(Spark3DConfig.Defaults().GetString("spark3d.cluster.tls.certificate-password"),
                unset.GetString("spark3d.cluster.tls.certificate-password"));
            Assert.Equal(7, unset.GetInt("spark3d.train.steps"));
            Assert.Contains("certificate-password", Spark3DConfig.Render(unset)); // rendering walked the tree forever

            Environment.SetEnvironmentVariable(variable, "pa ss");
            var set = await Task.Run(Load).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("pa ss", set.GetString("spark3d.cluster.tls.certificate-password"));
            Assert.DoesNotContain("pa ss", Spark3DConfig.Render(set));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(file);
        }
    }

    [Fact]
    public void Rendered_config_shows_that_a_password_is_set_but_not_the_password()
    {
        var set = Spark3DConfig.Load(null, ["spark3d.cluster.tls.certificate-password=hunter2 x", "spark3d.train.steps=9"]);
        string text = Spark3DConfig.Render(set);
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains(Spark3DConfig.Redacted, text);
        Assert.Contains("steps : 9", text);
        Assert.Equal("hunter2 x", set.GetString("spark3d.cluster.tls.certificate-password")); // the options still get it

        string unset = Spark3DConfig.Render(Spark3DConfig.Load(null, []));
        Assert.DoesNotContain(Spark3DConfig.Redacted, unset); // an empty password renders as what it is
        Assert.Contains("certificate-password", unset);
    }
}
