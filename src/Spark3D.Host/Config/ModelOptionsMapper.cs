using Spark3D.Host.Commands;
using Spark3D.Model.Devices;
using Spark3D.Model.Devices.CpuIsa;
using Spark3D.Model.Mae;
using Spark3D.Model.Networks;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.model</c> (device, network) and the network keys of <c>spark3d.mae</c> onto the model
/// library's option records.</summary>
public static class ModelOptionsMapper
{
    /// <summary><c>spark3d.model.device</c> → <see cref="DeviceOptions"/>.</summary>
    public static DeviceOptions Device(Akka.Configuration.Config config)
    {
        var c = config.GetConfig("spark3d.model.device");
        var d = new DeviceOptions();
        if (c is null) return d;
        string mode = c.GetString("device", "auto");
        string libtorch = c.GetString("libtorch-path", "");
        return new DeviceOptions(
            mode.ToLowerInvariant() switch
            {
                "auto" => DeviceMode.Auto,
                "cpu" => DeviceMode.Cpu,
                "cuda" => DeviceMode.Cuda,
                _ => throw new ArgumentException($"spark3d.model.device.device must be auto, cpu or cuda, got '{mode}'."),
            },
            string.IsNullOrWhiteSpace(libtorch) ? null : libtorch,
            c.GetBoolean("tf32", d.Tf32),
            c.GetBoolean("bf16", d.Bf16),
            c.GetInt("threads", d.Threads));
    }

    /// <summary><c>spark3d.model.device.cpu-isa-guard</c> (auto | off) → <see cref="IsaGuardMode"/>.</summary>
    public static IsaGuardMode CpuIsaGuard(Akka.Configuration.Config config)
    {
        string value = config.GetString("spark3d.model.device.cpu-isa-guard", "auto");
        return value.ToLowerInvariant() switch
        {
            "auto" => IsaGuardMode.Auto,
            "off" => IsaGuardMode.Off,
            _ => throw new ArgumentException($"spark3d.model.device.cpu-isa-guard must be auto or off, got '{value}'."),
        };
    }

    /// <summary><c>spark3d.model</c> → <see cref="NetworkOptions"/>.</summary>
    public static NetworkOptions Network(Akka.Configuration.Config config) => ModelCommand.ReadNetworkOptions(config);

    /// <summary>Network side of <c>spark3d.mae</c> → <see cref="SparkMaeOptions"/>.</summary>
    public static SparkMaeOptions Mae(Akka.Configuration.Config config) => ModelCommand.ReadMaeOptions(config);
}
