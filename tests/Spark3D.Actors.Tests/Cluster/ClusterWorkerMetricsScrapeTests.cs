using Spark3D.Actors.Cluster;
using Spark3D.Tests.Shared;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>A worker node's endpoint scraped the way Prometheus does it: the job-time histogram with its own buckets and
/// the outcome label, counted by <see cref="MeteredVolumeJob"/> around the real job (failures and exceptions included).</summary>
public sealed class ClusterWorkerMetricsScrapeTests
{
    private sealed class ScriptedJob : IVolumeJob
    {
        public VolumeJobResult Run(VolumeWorkItem item, CancellationToken ct) => item.Id switch
        {
            "throws" => throw new IOException("disk gone"),
            "bad" => VolumeJobResult.Failed("unreadable"),
            _ => VolumeJobResult.Ok("/out/" + item.Id, "hash"),
        };
    }

    [Fact]
    public async Task The_worker_port_serves_job_counts_by_outcome_and_the_job_time_histogram()
    {
        int port = PrometheusText.FreePort();
        var options = new TelemetryOptions { PrometheusPorts = new MetricsPorts { Worker = port } };
        using var exporter = MetricsExporter.Start(options, MetricsRole.Worker, ClusterWorkerMetrics.HistogramViews, _ => { });
        using var metrics = new ClusterWorkerMetrics();
        var job = new MeteredVolumeJob(new ScriptedJob(), metrics);
        job.Run(new VolumeWorkItem("a", "/in/a"), CancellationToken.None);
        job.Run(new VolumeWorkItem("b", "/in/b"), CancellationToken.None);
        job.Run(new VolumeWorkItem("bad", "/in/bad"), CancellationToken.None);
        Assert.Throws<IOException>(() => job.Run(new VolumeWorkItem("throws", "/in/t"), CancellationToken.None));

        Assert.Equal($"http://127.0.0.1:{port}/metrics", exporter.Url);
        var scrape = await PrometheusText.ScrapeAsync(exporter.Url!);
        Assert.Equal(2, scrape.Value("spark3d_cluster_worker_jobs_total", "outcome", "ok"));
        Assert.Equal(2, scrape.Value("spark3d_cluster_worker_jobs_total", "outcome", "failed"));
        Assert.Equal(0, scrape.Value("spark3d_cluster_worker_jobs_in_flight"));
        var okBuckets = scrape.Named("spark3d_cluster_worker_job_time_seconds_bucket").Where(s => s.Labels["outcome"] == "ok").ToList();
        Assert.Equal(ClusterWorkerMetrics.HistogramViews[0].Boundaries.Length + 1, okBuckets.Count);
        Assert.Equal("histogram", scrape.Types["spark3d_cluster_worker_job_time_seconds"]);
    }
}
