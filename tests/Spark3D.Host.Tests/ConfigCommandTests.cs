namespace Spark3D.Host.Tests;

[Collection("Console")]
public class ConfigCommandTests
{
    [Fact]
    public void A_typo_in_a_define_stops_any_command_with_one_line_and_exit_2()
    {
        foreach (var command in new[] { new[] { "config" }, ["model", "--preset", "tiny"] })
        {
            var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. command, "-D", "spark3d.train.stpes=3"]);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains("unknown setting 'spark3d.train.stpes'", stderr);
            Assert.Contains("did you mean 'spark3d.train.steps'?", stderr);
            Assert.DoesNotContain("   at ", stderr); // no stack trace
        }
    }

    [Fact]
    public void A_missing_config_file_is_one_line_and_exit_2()
    {
        var (code, _, stderr) = ConsoleCapture.RunWithError("config", "--config", "/nonexistent/spark3d-user.conf");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/spark3d-user.conf", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_known_define_shows_in_the_resolved_config()
    {
        var (code, stdout, _) = ConsoleCapture.RunWithError("config", "-D", "spark3d.train.steps=1234");
        Assert.Equal(0, code);
        Assert.Contains("1234", stdout);
    }

    [Fact]
    public void A_config_file_that_does_not_parse_names_the_file()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.train { steps = ${nowhere} }");
        try
        {
            var (code, _, stderr) = ConsoleCapture.RunWithError("config", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains($"{file}: not valid HOCON", stderr);
        }
        finally { File.Delete(file); }
    }

    // Akka's parser never returns on an unclosed list and eats memory meanwhile: run it in a real process.
    [Fact]
    public void A_config_file_the_parser_hangs_on_fails_in_seconds_not_never()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "spark3d.data { patch-size = [64, 64 }");
        try
        {
            using var p = new Spark3DProcess("config", "config", "--config", file);
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "spark3d config hung on a malformed file:\n" + p.Output);
            Assert.Equal(2, p.ExitCode);
            Assert.Contains("not valid HOCON (the parser did not finish", p.Output);
            Assert.Contains(file, p.Output);
        }
        finally { File.Delete(file); }
    }
}
