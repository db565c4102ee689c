using System.Diagnostics;
using Spark3D.Host.Config;
using Spark3D.Model.Memory;

namespace Spark3D.Host.Tests.Pretrain;

/// <summary>The memory preflight through `spark3d pretrain` and its settings (spark3d.model.device.memory-*).</summary>
[Collection("Console")]
public sealed class MemoryPreflightCommandTests : IDisposable
{
    private readonly string _root = PretrainTestData.TempDir("memory-preflight");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Data
    {
        get
        {
            string data = Path.Combine(_root, "data");
            if (!Directory.Exists(data)) PretrainTestData.WritePhantoms(data, 2);
            return data;
        }
    }

    [Fact]
    public void The_paper_default_is_refused_in_seconds_with_exit_2_and_a_message_about_memory()
    {
        // Defaults: resenc-l, 160³, batch 2; a 24 GiB machine (the budget is given, not measured).
        var clock = Stopwatch.StartNew();
        var (code, output, error) = ConsoleCapture.RunWithError("pretrain", "--data", Data, "--steps", "1", "--run-dir", Path.Combine(_root, "run"),
            "--device", "cpu", "-D", "spark3d.model.device.memory-available=24GiB", "-D", "spark3d.telemetry.prometheus.enabled=off");
        Assert.True(code == 2, $"exit {code}\n{output}\n{error}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.StartsWith("spark3d pretrain: not enough memory: resenc-l, patch 160×160×160, batch 2, fp32 on cpu needs about ", error, StringComparison.Ordinal);
        Assert.Contains("24.0 GiB is available (spark3d.model.device.memory-available)", error, StringComparison.Ordinal);
        Assert.Contains("Would fit: --patch ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "run", "checkpoints")), "nothing may be trained");
    }

    [Fact]
    public void A_run_that_fits_prints_its_estimate_and_warn_runs_a_run_that_does_not()
    {
        var (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(Path.Combine(_root, "fits"), Data, 1));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("memory: tiny, patch 32×32×32, batch 2, fp32 on cpu needs about ", output, StringComparison.Ordinal);

        (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(Path.Combine(_root, "warn"), Data, 1,
            "-D", "spark3d.model.device.memory-available=1MiB", "-D", "spark3d.model.device.memory-preflight=warn"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("warning: not enough memory: tiny, patch 32×32×32", error, StringComparison.Ordinal);
        // Through the logger: also in the run's log file, at warning level.
        string log = File.ReadAllText(Path.Combine(_root, "warn", "pretrain.log"));
        Assert.Matches(@"WARN spark3d\.pretrain: not enough memory: tiny, patch 32×32×32", log);

        (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(Path.Combine(_root, "off"), Data, 1,
            "-D", "spark3d.model.device.memory-available=1MiB", "-D", "spark3d.model.device.memory-preflight=off"));
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.DoesNotContain("memory:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not enough memory", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_map_with_their_documented_defaults_and_reject_bad_values()
    {
        var d = DeviceOptionsMapper.MemoryPreflight(Spark3DConfig.Load(null, []));
        Assert.Equal(new MemoryPreflightOptions(PreflightMode.On, 0.1, null), d);
        var set = DeviceOptionsMapper.MemoryPreflight(Spark3DConfig.Load(null, ["spark3d.model.device.memory-preflight=warn",
            "spark3d.model.device.memory-headroom=0.25", "spark3d.model.device.memory-available=24GiB"]));
        Assert.Equal(new MemoryPreflightOptions(PreflightMode.Warn, 0.25, 24L << 30), set);
        Assert.Equal(new MemoryAvailability(24L << 30, "spark3d.model.device.memory-available"), set.Availability(cuda: false));
        Assert.Throws<ArgumentException>(() => DeviceOptionsMapper.MemoryPreflight(Spark3DConfig.Load(null, ["spark3d.model.device.memory-preflight=maybe"])));
        Assert.Throws<ArgumentException>(() => DeviceOptionsMapper.MemoryPreflight(Spark3DConfig.Load(null, ["spark3d.model.device.memory-headroom=1.5"])));
    }
}
