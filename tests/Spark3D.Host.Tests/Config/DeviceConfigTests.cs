using Spark3D.Host.Config;
using Spark3D.Host.Startup;
using Spark3D.Model.Devices;

namespace Spark3D.Host.Tests.Config;

/// <summary>One parser for the device (<see cref="DeviceOptionsMapper.ParseMode"/>): every command that takes one
/// accepts it in any case. Each command here stops on a missing input after it read its device, so an error that
/// names the device setting would be the drift this pins.</summary>
[Collection("Console")]
public sealed class DeviceConfigTests : IDisposable
{
    private const string DeviceKey = "spark3d.model.device.device";
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-mode-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Missing => Path.Combine(_dir, "missing");

    // The arguments of each command that takes a device, up to the point where it fails on the missing input.
    private string[][] Commands(string device) =>
    [
        ["pretrain", "--run-dir", Path.Combine(_dir, "run"), "--data", Missing, "--preset", "tiny", "--patch", "32",
            "-D", "spark3d.model.device.memory-preflight=off", "-D", "spark3d.telemetry.prometheus.enabled=off", "-D", $"{DeviceKey}={device}"],
        ["pretrain", "--run-dir", Path.Combine(_dir, "run"), "--data", Missing, "--preset", "tiny", "--patch", "32", "--device", device,
            "-D", "spark3d.model.device.memory-preflight=off", "-D", "spark3d.telemetry.prometheus.enabled=off"],
        ["finetune", "--data", Missing, "--run-dir", Path.Combine(_dir, "ft"), "--steps", "1", "--from-scratch", "-D", $"{DeviceKey}={device}"],
        ["predict", "--model", Missing, "--input", Missing, "--output", Path.Combine(_dir, "out"), "-D", $"{DeviceKey}={device}"],
    ];

    [Theory]
    [InlineData("CPU")]
    [InlineData("Cpu")]
    [InlineData("cpu")]
    public void Every_command_that_takes_a_device_accepts_it_in_any_case(string device)
    {
        foreach (var args in Commands(device))
        {
            var (code, output, error) = ConsoleCapture.RunWithError(args);
            Assert.True(code != 0, $"{args[0]} was expected to stop on its missing input\n{output}\n{error}");
            Assert.DoesNotContain("must be auto, cpu or cuda", error, StringComparison.Ordinal);
            Assert.Contains(Missing, error, StringComparison.Ordinal); // it got as far as its input
        }
        var model = ConsoleCapture.RunWithError("model", "--preset", "tiny", "--json", "-D", $"{DeviceKey}={device}");
        Assert.True(model.Code == 0, model.Err);
    }

    [Fact]
    public void A_device_that_does_not_exist_is_named_by_every_command()
    {
        foreach (var args in Commands("gpu"))
        {
            var (code, _, error) = ConsoleCapture.RunWithError(args);
            Assert.NotEqual(0, code);
            Assert.Contains("must be auto, cpu or cuda, got 'gpu'", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_isa_guard_reads_the_device_of_the_flag_and_of_the_setting_with_the_same_parser()
    {
        var root = Program.Root();
        Assert.Equal(DeviceMode.Cpu, TorchCommands.Settings(root.Parse(["pretrain", "--device", "CPU"])).Device.Mode);
        Assert.Equal(DeviceMode.Cuda, TorchCommands.Settings(root.Parse(["finetune", "-D", $"{DeviceKey}=CUDA", "--data", "d", "--run-dir", "r", "--steps", "1"])).Device.Mode);
        Assert.Throws<ArgumentException>(() => TorchCommands.Settings(root.Parse(["pretrain", "--device", "gpu"])));
    }

    [Theory]
    [InlineData("AUTO", DeviceMode.Auto)]
    [InlineData(" cuda ", DeviceMode.Cuda)]
    [InlineData("Cpu", DeviceMode.Cpu)]
    public void The_parser_ignores_case_and_spaces(string value, DeviceMode expected) =>
        Assert.Equal(expected, DeviceOptionsMapper.ParseMode(value, "x"));
}
