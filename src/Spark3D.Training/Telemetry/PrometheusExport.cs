
namespace Spark3D.Training.Telemetry;

/// <summary>The run's Prometheus endpoint (Spark3D meters via <see cref="MeterAggregator"/>), per <see cref="TelemetryOptions"/>.
/// A port that cannot be bound only produces a warning: telemetry never stops training.</summary>
public sealed class PrometheusExport : IDisposable
{
    private readonly MeterAggregator? _aggregator;
    private readonly PrometheusEndpoint? _endpoint;

    /// <summary>Starts the endpoint when enabled; <paramref name="warn"/> receives a bind failure.</summary>
    public PrometheusExport(TelemetryOptions options, Action<string> warn)
    {
        if (!options.PrometheusEnabled) return;
        _aggregator = new MeterAggregator();
        try
        {
            _endpoint = new PrometheusEndpoint(_aggregator, options.PrometheusHost, options.PrometheusPort);
        }
        catch (InvalidOperationException e)
        {
            warn($"warning: {e.Message}; continuing without the Prometheus endpoint.");
        }
    }

    /// <summary>The scrape URL, or null when not serving.</summary>
    public string? Url => _endpoint?.Url;

    /// <summary>Stops serving.</summary>
    public void Dispose()
    {
        _endpoint?.Dispose();
        _aggregator?.Dispose();
    }
}
