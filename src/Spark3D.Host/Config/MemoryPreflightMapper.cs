using Spark3D.Model.Memory;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.model.device.memory-preflight</c>, <c>memory-headroom</c> and <c>memory-available</c>.</summary>
public static class MemoryPreflightMapper
{
    /// <summary>The preflight options; <see cref="ArgumentException"/> names a bad value.</summary>
    public static MemoryPreflightOptions FromConfig(Akka.Configuration.Config config)
    {
        var c = config.GetConfig("spark3d.model.device");
        var d = new MemoryPreflightOptions();
        if (c is null) return d;
        string mode = c.GetString("memory-preflight", "on");
        double headroom = c.GetDouble("memory-headroom", d.Headroom);
        if (headroom is < 0 or >= 1) throw new ArgumentException($"spark3d.model.device.memory-headroom must be in [0, 1), got {headroom}.");
        string available = c.GetString("memory-available", "");
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
