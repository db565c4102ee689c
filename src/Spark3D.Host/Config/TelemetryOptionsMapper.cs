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
            PrometheusPorts = new MetricsPorts
            {
                Pretrain = Port(c, "prometheus.ports.pretrain"),
                Finetune = Port(c, "prometheus.ports.finetune"),
                Coordinator = Port(c, "prometheus.ports.coordinator"),
                Worker = Port(c, "prometheus.ports.worker"),
            },
            Otlp = Otlp(c),
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
        if (string.IsNullOrWhiteSpace(o.PrometheusHost)) throw new ArgumentException("spark3d.telemetry.prometheus.host is empty.");
        if (o.ScalarsEverySteps < 1) throw new ArgumentException($"spark3d.telemetry.tensorboard.scalars-every must be >= 1, got {o.ScalarsEverySteps}.");
        if (o.ReconstructionEverySteps < 0) throw new ArgumentException($"spark3d.telemetry.reconstruction.every-steps must be >= 0, got {o.ReconstructionEverySteps}.");
        if (o.PlainInterval <= TimeSpan.Zero) throw new ArgumentException("spark3d.telemetry.plain-interval must be positive.");
        return o;
    }

    private static int Port(Akka.Configuration.Config c, string key)
    {
        int port = c.GetInt(key);
        return port is >= 1 and <= 65535 ? port : throw new ArgumentException($"spark3d.telemetry.{key} must be 1..65535, got {port}.");
    }

    private static OtlpOptions Otlp(Akka.Configuration.Config c)
    {
        string protocol = c.GetString("otlp.protocol") ?? "";
        var o = new OtlpOptions
        {
            Enabled = c.GetBoolean("otlp.enabled"),
            Endpoint = c.GetString("otlp.endpoint") ?? "",
            Protocol = protocol switch
            {
                "grpc" => OtlpProtocol.Grpc,
                "http-protobuf" => OtlpProtocol.HttpProtobuf,
                _ => throw new ArgumentException($"spark3d.telemetry.otlp.protocol must be grpc or http-protobuf, got '{protocol}'."),
            },
            Interval = c.GetTimeSpan("otlp.interval"),
        };
        if (!Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"spark3d.telemetry.otlp.endpoint must be an http(s) address, got '{o.Endpoint}'.");
        if (o.Interval < TimeSpan.FromMilliseconds(100)) throw new ArgumentException($"spark3d.telemetry.otlp.interval must be >= 100ms, got {o.Interval}.");
        return o;
    }
}
