namespace Spark3D.Training.Telemetry;

/// <summary>Whether the live console view runs.</summary>
public enum ConsoleViewMode
{
    /// <summary>Live view when stdout is a terminal, plain lines otherwise.</summary>
    Auto,
    /// <summary>Always the live view.</summary>
    On,
    /// <summary>Plain periodic lines.</summary>
    Off,
}

/// <summary>The <c>spark3d.telemetry</c> section: Prometheus endpoint, TensorBoard, reconstruction snapshots, console view.</summary>
public sealed record TelemetryOptions
{
    /// <summary>Serve /metrics.</summary>
    public bool PrometheusEnabled { get; init; } = true;
    /// <summary>Bind address of the endpoint.</summary>
    public string PrometheusHost { get; init; } = "127.0.0.1";
    /// <summary>Port of the endpoint.</summary>
    public int PrometheusPort { get; init; } = 9464;
    /// <summary>Write TensorBoard event files.</summary>
    public bool TensorBoardEnabled { get; init; } = true;
    /// <summary>Event folder (relative to the run directory).</summary>
    public string TensorBoardDirectory { get; init; } = "tensorboard";
    /// <summary>Scalars every this many steps.</summary>
    public int ScalarsEverySteps { get; init; } = 1;
    /// <summary>Reconstruction PNG every this many steps (0 = never).</summary>
    public int ReconstructionEverySteps { get; init; } = 500;
    /// <summary>PNG folder (relative to the run directory).</summary>
    public string ReconstructionDirectory { get; init; } = "reconstructions";
    /// <summary>Live view on/off/auto.</summary>
    public ConsoleViewMode Console { get; init; } = ConsoleViewMode.Auto;
    /// <summary>Interval of plain progress lines.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(10);
}
