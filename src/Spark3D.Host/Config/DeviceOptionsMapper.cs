using Spark3D.Model.Devices;
using Spark3D.Model.Devices.CpuIsa;
using Spark3D.Model.Memory;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.model.device</c>: the compute device, the oneDNN ISA guard and the memory preflight.</summary>
public static class DeviceOptionsMapper
{
    /// <summary>Device mode, libtorch folder, tf32, bf16 and threads.</summary>
    public static DeviceOptions Device(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.model.device");
        string libtorch = c.GetString("libtorch-path") ?? "";
        return new DeviceOptions(
            ParseMode(c.GetString("device"), "spark3d.model.device.device"),
            string.IsNullOrWhiteSpace(libtorch) ? null : libtorch,
            c.GetBoolean("tf32"),
            c.GetBoolean("bf16"),
            c.GetInt("threads"));
    }

    /// <summary>auto, cpu or cuda in any case (<c>CPU</c> too): the one parser for the setting and for pretrain's
    /// <c>--device</c>; <paramref name="source"/> names where the value came from in the error.</summary>
    public static DeviceMode ParseMode(string? value, string source) => value?.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceMode.Auto,
        "cpu" => DeviceMode.Cpu,
        "cuda" => DeviceMode.Cuda,
        _ => throw new ArgumentException($"{source} must be auto, cpu or cuda, got '{value}'."),
    };

    /// <summary><c>cpu-isa-guard</c> (auto | off).</summary>
    public static IsaGuardMode CpuIsaGuard(Akka.Configuration.Config config)
    {
        string value = Section(config, "spark3d.model.device").GetString("cpu-isa-guard") ?? "";
        return value.ToLowerInvariant() switch
        {
            "auto" => IsaGuardMode.Auto,
            "off" => IsaGuardMode.Off,
            _ => throw new ArgumentException($"spark3d.model.device.cpu-isa-guard must be auto or off, got '{value}'."),
        };
    }

    /// <summary><c>memory-preflight</c> (on | warn | off), <c>memory-headroom</c> and <c>memory-available</c>.</summary>
    public static MemoryPreflightOptions MemoryPreflight(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.model.device");
        string mode = c.GetString("memory-preflight") ?? "";
        double headroom = c.GetDouble("memory-headroom");
        if (headroom is < 0 or >= 1) throw new ArgumentException($"spark3d.model.device.memory-headroom must be in [0, 1), got {headroom}.");
        string available = c.GetString("memory-available") ?? "";
        long? bytes = null;
        if (!string.IsNullOrWhiteSpace(available))
        {
            bytes = c.GetByteSize("memory-available");
            if (bytes is not > 0) throw new ArgumentException($"spark3d.model.device.memory-available must be a positive size such as 24GiB, got '{available}'.");
        }
        return new MemoryPreflightOptions(
            mode.ToLowerInvariant() switch
            {
                "on" or "true" => PreflightMode.On,
                "warn" => PreflightMode.Warn,
                "off" or "false" => PreflightMode.Off,
                _ => throw new ArgumentException($"spark3d.model.device.memory-preflight must be on, warn or off, got '{mode}'."),
            },
            headroom,
            bytes);
    }
}
