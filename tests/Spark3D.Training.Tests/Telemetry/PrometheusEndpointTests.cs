using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Spark3D.Training.Telemetry;

namespace Spark3D.Training.Tests.Telemetry;

public class PrometheusEndpointTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Scrape_shows_counters_histograms_and_polled_gauges()
    {
        using var meter = new Meter("Spark3D.Test." + Guid.NewGuid().ToString("N"));
        var patches = meter.CreateCounter<long>("spark3d.pipeline.patches", description: "Patches produced");
        var wait = meter.CreateHistogram<double>("spark3d.trainer.data_wait", unit: "s");
        int depth = 3;
        meter.CreateObservableGauge("spark3d.channel.depth", () => new Measurement<int>(depth, new KeyValuePair<string, object?>("channel", "patches")));
        using var aggregator = new MeterAggregator("Spark3D.Test");
        using var endpoint = new PrometheusEndpoint(aggregator, port: FreePort());
        patches.Add(5);
        patches.Add(2);
        wait.Record(0.25);
        wait.Record(0.75);
        depth = 7;

        using var http = new HttpClient();
        string text = await http.GetStringAsync(new Uri(endpoint.Url));

        Assert.Contains("# TYPE spark3d_pipeline_patches_total counter", text);
        Assert.Contains("spark3d_pipeline_patches_total 7\n", text);
        Assert.Contains("spark3d_trainer_data_wait_sum 1\n", text);
        Assert.Contains("spark3d_trainer_data_wait_count 2\n", text);
        Assert.Contains("spark3d_channel_depth{channel=\"patches\"} 7\n", text);
        Assert.StartsWith("http://127.0.0.1:", endpoint.Url);
    }

    [Fact]
    public void Binding_a_taken_port_is_a_clear_error()
    {
        using var aggregator = new MeterAggregator();
        int port = FreePort();
        using var first = new PrometheusEndpoint(aggregator, port: port);
        var e = Assert.Throws<InvalidOperationException>(() => new PrometheusEndpoint(aggregator, port: port));
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }
}
