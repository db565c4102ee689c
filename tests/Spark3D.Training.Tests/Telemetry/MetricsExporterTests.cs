using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Spark3D.Tests.Shared;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;

namespace Spark3D.Training.Tests.Telemetry;

/// <summary>The OpenTelemetry export scraped the way Prometheus does it: a real HTTP client, the text format parsed.
/// The only test class here that creates <see cref="PipelineMetrics"/>, so the values it reads are its own.</summary>
public sealed class MetricsExporterTests
{
    private static TelemetryOptions On(int port, string host = "127.0.0.1") =>
        new() { PrometheusHost = host, PrometheusPorts = new MetricsPorts { Pretrain = port } };

    private static MetricsExporter Start(TelemetryOptions options, List<string>? warnings = null) =>
        MetricsExporter.Start(options, MetricsRole.Pretrain, PipelineMetrics.HistogramViews, w => warnings?.Add(w));

    [Fact]
    public async Task Histograms_have_the_declared_buckets_and_names_and_labels_are_legal()
    {
        using var exporter = Start(On(PrometheusText.FreePort()));
        using var metrics = new PipelineMetrics(totalSteps: 10);
        using var odd = new Meter("Spark3D.Test.Labels");
        odd.CreateCounter<long>("spark3d.test.odd-name", "{thing}").Add(3, new KeyValuePair<string, object?>("channel.name-x", "a\"b"));
        metrics.StepDone(1, new StepOutcome(0.5, 0.01), dataWaitSeconds: 0, stepSeconds: 0.3);
        metrics.StepDone(2, new StepOutcome(0.4, 0.01), dataWaitSeconds: 0.02, stepSeconds: 1.2);
        metrics.BatchAssembled(0.0007);
        metrics.PatchProduced(0.04);
        metrics.ValidationDone(0.61, 0.55, 1.5);

        var scrape = await PrometheusText.ScrapeAsync(exporter.Url!);

        foreach (var (family, view) in new[]
                 {
                     ("spark3d_pipeline_trainer_step_time_seconds", "spark3d.pipeline.trainer.step_time"),
                     ("spark3d_pipeline_trainer_data_wait_seconds", "spark3d.pipeline.trainer.data_wait"),
                     ("spark3d_pipeline_masker_batch_assembly_time_seconds", "spark3d.pipeline.masker.batch_assembly_time"),
                     ("spark3d_pipeline_preprocessor_patch_time_seconds", "spark3d.pipeline.preprocessor.patch_time"),
                 })
        {
            Assert.Equal(PipelineMetrics.HistogramViews.Single(v => v.Instrument == view).Boundaries, scrape.CheckHistogram(family));
        }
        Assert.Equal(2, scrape.Value("spark3d_pipeline_trainer_step_time_seconds_count"));
        Assert.Equal(1.5, scrape.Value("spark3d_pipeline_trainer_step_time_seconds_sum"), 6);
        // The step at 0 s waited for nothing: it is counted in the le="0" bucket.
        Assert.Equal(1, scrape.Value("spark3d_pipeline_trainer_data_wait_seconds_bucket", "le", "0"));
        Assert.Equal(2, scrape.Value("spark3d_pipeline_steps_total"));
        Assert.Equal(0.4, scrape.Value("spark3d_pipeline_loss"));
        Assert.Equal(0.61, scrape.Value("spark3d_pipeline_validation_pseudo_dice"));
        // Tag keys and names are sanitised, values escaped.
        Assert.Equal(3, scrape.Value("spark3d_test_odd_name_total", "channel_name_x", "a\\\"b"));
        Assert.Equal("counter", scrape.Types["spark3d_test_odd_name_total"]);
    }

    [Fact]
    public async Task Concurrent_scrapes_are_served_while_a_stalled_client_holds_a_connection()
    {
        int port = PrometheusText.FreePort();
        using var exporter = Start(On(port));
        using var metrics = new PipelineMetrics(totalSteps: 10);
        metrics.StepDone(1, new StepOutcome(0.5, 0.01), 0.01, 0.2);

        // A client that sent half a request and then went quiet.
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, port);
        await stalled.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"));

        var scrapes = Enumerable.Range(0, 8).Select(_ => PrometheusText.ScrapeAsync(exporter.Url!, TimeSpan.FromSeconds(10))).ToArray();
        var results = await Task.WhenAll(scrapes);
        Assert.All(results, r => Assert.Equal(1, r.Value("spark3d_pipeline_steps_total")));
    }

    [Fact]
    public async Task Host_0_0_0_0_serves_every_interface_while_the_default_stays_on_loopback_127_0_0_1()
    {
        int port = PrometheusText.FreePort();
        using (var all = Start(On(port, "0.0.0.0")))
        {
            Assert.Equal($"http://0.0.0.0:{port}/metrics", all.Url);
            using var metrics = new PipelineMetrics(totalSteps: 10);
            metrics.StepDone(1, new StepOutcome(0.5, 0.01), 0, 0.2);
            // 127.0.0.2 is another loopback address: only a wildcard bind answers there.
            foreach (var host in new[] { "127.0.0.1", "127.0.0.2", "localhost" })
                Assert.Equal(1, (await PrometheusText.ScrapeAsync($"http://{host}:{port}/metrics")).Value("spark3d_pipeline_steps_total"));
        }

        Assert.Equal("127.0.0.1", new TelemetryOptions().PrometheusHost);
        int loopbackPort = PrometheusText.FreePort();
        using var loopback = Start(On(loopbackPort));
        await PrometheusText.ScrapeAsync(loopback.Url!);
        using var other = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), loopbackPort));
    }

    [Fact]
    public void A_taken_port_is_one_warning_and_the_run_goes_on_without_the_endpoint()
    {
        int port = PrometheusText.FreePort();
        using var first = Start(On(port));
        var warnings = new List<string>();
        using var second = Start(On(port), warnings);
        Assert.Null(second.Url);
        Assert.False(second.IsExporting);
        Assert.Contains($"127.0.0.1:{port}", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_enabled_exports_nothing()
    {
        using var none = Start(new TelemetryOptions { PrometheusEnabled = false });
        Assert.False(none.IsExporting);
        Assert.Null(none.Url);
    }

    [Fact]
    public async Task Otlp_pushes_the_metrics_to_a_collector_when_enabled()
    {
        int port = PrometheusText.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var options = new TelemetryOptions
        {
            PrometheusEnabled = false,
            Otlp = new OtlpOptions { Enabled = true, Endpoint = $"http://127.0.0.1:{port}", Protocol = OtlpProtocol.HttpProtobuf, Interval = TimeSpan.FromMilliseconds(200) },
        };
        Assert.False(new TelemetryOptions().Otlp.Enabled);
        using var exporter = Start(options);
        using var metrics = new PipelineMetrics(totalSteps: 10);
        metrics.StepDone(1, new StepOutcome(0.5, 0.01), 0, 0.2);

        // Pushes before the step carry no step_time yet; wait for one that does.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var context = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Assert.Equal("POST", context.Request.HttpMethod);
            Assert.Equal("/v1/metrics", context.Request.Url!.AbsolutePath);
            Assert.Equal("application/x-protobuf", context.Request.ContentType);
            if (Encoding.UTF8.GetString(body.ToArray()).Contains("spark3d.pipeline.trainer.step_time", StringComparison.Ordinal)) return;
        }
    }
}
