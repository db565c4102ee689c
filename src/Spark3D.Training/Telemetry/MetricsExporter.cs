using System.Globalization;
using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// Exports every Spark3D meter (names <c>Spark3D.*</c>: the pipeline's, the cluster's) and .NET's own
/// <c>System.Runtime</c> meter through the OpenTelemetry SDK: a Prometheus scrape endpoint on the role's port
/// (OpenTelemetry.Exporter.Prometheus.HttpListener: requests are served concurrently, names and label keys sanitised,
/// histograms with buckets) and, when enabled, an OTLP push. Histograms get the explicit buckets of the
/// <see cref="HistogramView"/>s given. Telemetry never stops a run: an endpoint that cannot bind is one warning.
/// </summary>
public sealed class MetricsExporter : IDisposable
{
    /// <summary>The meters exported (a wildcard: every meter whose name starts with "Spark3D.").</summary>
    public const string SparkMeters = "Spark3D.*";

    /// <summary>.NET's built-in runtime meter (CPU time, memory, GC, thread pool).</summary>
    public const string RuntimeMeter = "System.Runtime";

    private readonly MeterProvider? _provider;

    private MetricsExporter(MeterProvider? provider, string? url)
    {
        _provider = provider;
        Url = url;
    }

    /// <summary>The scrape URL, or null when no Prometheus endpoint is served.</summary>
    public string? Url { get; }

    /// <summary>Whether anything is exported (Prometheus or OTLP).</summary>
    public bool IsExporting => _provider is not null;

    /// <summary>Starts exporting for <paramref name="role"/> per <paramref name="options"/>; <paramref name="warn"/>
    /// receives a bind failure (the process then goes on without the endpoint, OTLP still pushes).</summary>
    public static MetricsExporter Start(TelemetryOptions options, MetricsRole role, IEnumerable<HistogramView> views, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(warn);
        var viewList = views.Select(v => v.Validate()).ToList();
        if (!options.PrometheusEnabled && !options.Otlp.Enabled) return new MetricsExporter(null, null);
        int port = options.PrometheusPorts.For(role);
        if (options.PrometheusEnabled)
        {
            try
            {
                return new MetricsExporter(Build(options, role, viewList, port), ScrapeUrl(options.PrometheusHost, port));
            }
            catch (InvalidOperationException e)
            {
                // The exporter wraps the listener's error (e.g. the port is taken) in an InvalidOperationException.
                warn($"the Prometheus endpoint could not bind {options.PrometheusHost}:{port} ({Innermost(e)}); continuing without it.");
            }
        }
        return new MetricsExporter(options.Otlp.Enabled ? Build(options, role, viewList, prometheusPort: null) : null, null);
    }

    /// <summary>Whether <paramref name="host"/> means every interface (HttpListener itself wants "+" for that).</summary>
    public static bool IsAllInterfaces(string host) => host is "0.0.0.0" or "*" or "+" or "::" or "[::]";

    /// <summary>Collects the current values now (exporters push, a scrape sees them); for an orderly end of a run.</summary>
    public void Flush() => _provider?.ForceFlush(5000);

    /// <summary>Stops serving and pushing (OTLP sends a last batch).</summary>
    public void Dispose() => _provider?.Dispose();

    private static MeterProvider Build(TelemetryOptions options, MetricsRole role, IReadOnlyList<HistogramView> views, int? prometheusPort)
    {
        string version = typeof(MetricsExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty()
                .AddService("spark3d", serviceVersion: version, autoGenerateServiceInstanceId: true)
                .AddAttributes([new KeyValuePair<string, object>("spark3d.role", RoleName(role))]))
            .AddMeter(SparkMeters, RuntimeMeter);
        foreach (var view in views)
            builder.AddView(view.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = view.Boundaries });
        if (prometheusPort is { } port)
        {
            builder.AddPrometheusHttpListener(o =>
            {
                bool all = IsAllInterfaces(options.PrometheusHost);
                o.Host = all ? "localhost" : options.PrometheusHost;
                o.Port = port;
                // HttpListener cannot bind "0.0.0.0" (on Linux it refuses it), and the exporter builds its prefix with
                // UriBuilder, which rejects "+": swap the prefix for the wildcard one after the exporter made its own.
                if (all) o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://+:{port}/metrics/"));
                };
            });
        }
        if (options.Otlp.Enabled)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = options.Otlp.ExportUri();
                exporter.Protocol = options.Otlp.Protocol == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = checked((int)options.Otlp.Interval.TotalMilliseconds);
            });
        }
        return builder.Build();
    }

    /// <summary>The role's name as in the config (<c>pretrain</c>, <c>finetune</c>, <c>coordinator</c>, <c>worker</c>).</summary>
    public static string RoleName(MetricsRole role) => role.ToString().ToLowerInvariant();

    private static string ScrapeUrl(string host, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"http://{(IsAllInterfaces(host) ? "0.0.0.0" : host)}:{port}/metrics");

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.ReplaceLineEndings(" ");
    }
}
