using Spark3D.Training.Telemetry;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.telemetry</c> onto <see cref="TelemetryOptions"/>.</summary>
public static class TelemetryOptionsMapper
{
    /// <summary>Reads the section and checks the values.</summary>
    public static TelemetryOptions FromConfig(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.telemetry");
        string console = c.GetString("console") ?? "";
        var o = new TelemetryOptions
        {
            PrometheusEnabled = c.GetBoolean("prometheus.enabled"),
            PrometheusHost = c.GetString("prometheus.host"),
            PrometheusPort = c.GetInt("prometheus.port"),
            TensorBoardEnabled = c.GetBoolean("tensorboard.enabled"),
            TensorBoardDirectory = c.GetString("tensorboard.directory"),
            ScalarsEverySteps = c.GetInt("tensorboard.scalars-every"),
            ReconstructionEverySteps = c.GetInt("reconstruction.every-steps"),
            ReconstructionDirectory = c.GetString("reconstruction.directory"),
            Console = console.ToLowerInvariant() switch
            {
                "auto" => ConsoleViewMode.Auto,
                "on" or "true" or "yes" => ConsoleViewMode.On,
                "off" or "false" or "no" => ConsoleViewMode.Off,
                _ => throw new ArgumentException($"spark3d.telemetry.console must be on, off or auto, got '{console}'."),
            },
            PlainInterval = c.GetTimeSpan("plain-interval"),
        };
        if (o.PrometheusPort is < 1 or > 65535) throw new ArgumentException($"spark3d.telemetry.prometheus.port must be 1..65535, got {o.PrometheusPort}.");
        if (o.ScalarsEverySteps < 1) throw new ArgumentException($"spark3d.telemetry.tensorboard.scalars-every must be >= 1, got {o.ScalarsEverySteps}.");
        if (o.ReconstructionEverySteps < 0) throw new ArgumentException($"spark3d.telemetry.reconstruction.every-steps must be >= 0, got {o.ReconstructionEverySteps}.");
        if (o.PlainInterval <= TimeSpan.Zero) throw new ArgumentException("spark3d.telemetry.plain-interval must be positive.");
        return o;
    }
}
