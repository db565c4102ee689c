namespace Spark3D.Host.Tests;

/// <summary>One exit-code rule (README "Exit codes"): usage errors and bad input give 2 in every command.</summary>
[Collection("Console")]
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("pretrain")]
    [InlineData("finetune")]
    [InlineData("predict")]
    [InlineData("evaluate")]
    [InlineData("preprocess")]
    [InlineData("node")]
    [InlineData("phantoms")]
    [InlineData("model")]
    [InlineData("info")]
    [InlineData("export")]
    public void An_unknown_flag_exits_2_in_every_command(string command)
    {
        var (code, _, err) = ConsoleCapture.RunWithError(command, "--no-such-flag");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-flag", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Pretrain_with_a_bad_flag_value_exits_2_not_1()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("pretrain", "--device", "gpu", "--steps", "1");
        Assert.Equal(2, code);
        Assert.Contains("--device must be auto, cpu or cuda, got 'gpu'", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Finetune_reads_its_device_flag()
    {
        using var dir = new TempFolder();
        string data = Path.Combine(dir.Path, "data");
        Spark3D.Tests.Shared.NnUnetPhantoms.WriteNnUnet(data, 1);
        var (code, _, err) = ConsoleCapture.RunWithError("finetune", "--data", data, "--run-dir", Path.Combine(dir.Path, "run"), "--steps", "1",
            "--from-scratch", "--device", "tpu");
        Assert.Equal(2, code);
        Assert.Contains("--device must be auto, cpu or cuda, got 'tpu'", err, StringComparison.Ordinal);
        // The bundled libtorch has no CUDA: asking for it is a clear setup error, exit 2, not a crash.
        (code, _, err) = ConsoleCapture.RunWithError("finetune", "--data", data, "--run-dir", Path.Combine(dir.Path, "run"), "--steps", "1",
            "--from-scratch", "--preset", "tiny", "--patch", "32", "--device", "cuda");
        Assert.Equal(2, code);
        Assert.Contains("spark3d finetune: ", err, StringComparison.Ordinal);
        Assert.Contains("CUDA", err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Node_binds_the_hostname_flag_and_refuses_a_malformed_one()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("node", "--role", "preprocess", "--seed", "127.0.0.1:1", "--hostname", "not a host");
        Assert.Equal(2, code);
        Assert.Contains("--hostname 'not a host'", err, StringComparison.Ordinal);
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails and the message names the flag's address.
        (code, _, err) = ConsoleCapture.RunWithError("node", "--role", "preprocess", "--seed", "127.0.0.1:1", "--hostname", "192.0.2.1");
        Assert.Equal(2, code);
        Assert.Contains("cannot start on 192.0.2.1:0", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_that_no_coordinator_answers_exits_5_after_the_registration_timeout_and_says_why()
    {
        // Nothing listens on the seed: the worker must not wait forever (spark3d.cluster.registration-timeout).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, err) = ConsoleCapture.RunWithError("node", "--role", "preprocess", "--seed", $"127.0.0.1:{Spark3DProcess.FreePort()}",
            "-D", "spark3d.cluster.registration-timeout=2s", "-D", "spark3d.telemetry.prometheus.enabled=off");
        Assert.Equal(5, code);
        Assert.Contains("no coordinator answered", err, StringComparison.Ordinal);
        Assert.Contains("exit code 5", err, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Node_interrupted_with_ctrl_c_exits_130()
    {
        // Nothing listens on the seed, and the registration timeout is long: only SIGINT ends the wait.
        using var node = new Spark3DProcess("node", "node", "--role", "preprocess", "--seed", $"127.0.0.1:{Spark3DProcess.FreePort()}",
            "-D", "spark3d.cluster.registration-timeout=10m", "-D", "spark3d.telemetry.prometheus.enabled=off");
        Assert.True(node.WaitForLine(l => l.Contains("joining", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), node.Output);
        node.Interrupt();
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)), node.Output);
        Assert.Equal(Spark3D.Host.Commands.ExitCodes.Cancelled, node.ExitCode);
        Assert.Contains("cancelled", node.Output, StringComparison.Ordinal);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("s3d-exit-").FullName;

        public void Dispose() => Directory.Delete(Path, true);
    }
}
