namespace Spark3D.Training.Telemetry;

/// <summary>The kind of spark3d process exporting metrics: it picks the scrape port (<see cref="MetricsPorts"/>) and is
/// the <c>spark3d.role</c> resource attribute, so one machine can run and be scraped as several roles at once.</summary>
public enum MetricsRole
{
    /// <summary><c>spark3d pretrain</c>.</summary>
    Pretrain,
    /// <summary><c>spark3d finetune</c>.</summary>
    Finetune,
    /// <summary><c>spark3d preprocess --cluster</c> (the coordinator node, which may also work).</summary>
    Coordinator,
    /// <summary><c>spark3d node --role preprocess</c>.</summary>
    Worker,
}

/// <summary>The Prometheus scrape port of each <see cref="MetricsRole"/> (<c>spark3d.telemetry.prometheus.ports</c>).</summary>
public sealed record MetricsPorts
{
    /// <summary>Port of <c>spark3d pretrain</c> (9464: the OpenTelemetry Prometheus exporter's usual port).</summary>
    public int Pretrain { get; init; } = 9464;
    /// <summary>Port of <c>spark3d finetune</c>.</summary>
    public int Finetune { get; init; } = 9465;
    /// <summary>Port of the preprocessing coordinator.</summary>
    public int Coordinator { get; init; } = 9466;
    /// <summary>Port of a preprocessing worker node.</summary>
    public int Worker { get; init; } = 9467;

    /// <summary>The port of <paramref name="role"/>.</summary>
    public int For(MetricsRole role) => role switch
    {
        MetricsRole.Pretrain => Pretrain,
        MetricsRole.Finetune => Finetune,
        MetricsRole.Coordinator => Coordinator,
        MetricsRole.Worker => Worker,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown metrics role"),
    };
}
