namespace Spark3D.Training.Telemetry;

/// <summary>The OTLP transport of <see cref="OtlpOptions"/>.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP over gRPC (a collector's port 4317).</summary>
    Grpc,
    /// <summary>OTLP over HTTP with protobuf bodies (a collector's port 4318, path /v1/metrics).</summary>
    HttpProtobuf,
}

/// <summary>Pushing the metrics to an OpenTelemetry collector (<c>spark3d.telemetry.otlp</c>); off by default.</summary>
public sealed record OtlpOptions
{
    /// <summary>Push at all.</summary>
    public bool Enabled { get; init; }
    /// <summary>The collector's address. For <see cref="OtlpProtocol.HttpProtobuf"/> a bare address gets /v1/metrics.</summary>
    public string Endpoint { get; init; } = "http://127.0.0.1:4317";
    /// <summary>Transport.</summary>
    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.Grpc;
    /// <summary>How often the current values are pushed.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The URI the exporter posts to: <see cref="Endpoint"/>, with /v1/metrics added for HTTP when it has no path.</summary>
    public Uri ExportUri()
    {
        var uri = new Uri(Endpoint, UriKind.Absolute);
        return Protocol == OtlpProtocol.HttpProtobuf && uri.AbsolutePath == "/" ? new Uri(uri, "v1/metrics") : uri;
    }
}
