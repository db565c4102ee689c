using Spark3D.Actors.Configuration;

namespace Spark3D.Actors.Tests.Configuration;

public class OptionalEnvironmentSubstitutionTests
{
    private static readonly Dictionary<string, string> Env = new() { ["PW"] = "s3cr\"et", ["DIR"] = "/data" };

    private static Akka.Configuration.Config Parse(string text) =>
        GuardedHoconParser.Parse(OptionalEnvironmentSubstitution.Expand(text, n => Env.GetValueOrDefault(n)), "test");

    [Fact]
    public void A_set_variable_becomes_its_value_quoted()
    {
        var c = Parse("a.password = ${?PW}\nb = 1");
        Assert.Equal("s3cr\"et", c.GetString("a.password"));
        Assert.Equal(1, c.GetInt("b"));
    }

    [Fact]
    public void An_unset_variable_leaves_the_field_unset_so_an_earlier_value_stays()
    {
        var c = Parse("a { x = 1\n  password = \"default\"\n  password = ${?NOPE}\n  y = 2 }");
        Assert.Equal("default", c.GetString("a.password"));
        Assert.Equal(1, c.GetInt("a.x"));
        Assert.Equal(2, c.GetInt("a.y"));
        Assert.False(Parse("a.password = ${?NOPE}  # comment").HasPath("a.password"));
        Assert.False(Parse("a { password = ${?NOPE} }").HasPath("a.password"));
    }

    [Fact]
    public void Arrays_and_concatenations_follow_the_hocon_spec()
    {
        Assert.Equal(["1", "3"], Parse("a = [1, ${?NOPE}, 3]").GetStringList("a"));
        Assert.Equal(["1", "/data"], Parse("a = [1, ${?DIR}]").GetStringList("a"));
        Assert.Equal("/data/x", Parse("a = ${?DIR}\"/x\"").GetString("a"));
        Assert.Equal("/x", Parse("a = ${?NOPE}\"/x\"").GetString("a"));
    }

    [Fact]
    public void Strings_comments_and_config_paths_are_not_environment_lookups()
    {
        Assert.Equal("${?PW}", Parse("a = \"${?PW}\"").GetString("a"));
        Assert.Equal(1, Parse("# a = ${?PW}\n// b = ${?PW}\na = 1").GetInt("a"));
        Assert.Equal(5, Parse("x.y = 5\na = ${?x.y}").GetInt("a"));
        Assert.Equal("plain", OptionalEnvironmentSubstitution.Expand("plain"));
    }
}
