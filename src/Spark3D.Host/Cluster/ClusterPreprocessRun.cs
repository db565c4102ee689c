using System.Globalization;
using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;
using Spark3D.Host.Commands;
using Spark3D.Training.Telemetry;
using Spectre.Console;

namespace Spark3D.Host.Cluster;

/// <summary>
/// `spark3d preprocess --cluster`: starts the coordinator node (which also works unless told not to), serves the
/// <see cref="JobDescription"/> to workers, shows the progress view, and at completion compacts manifest.jsonl to
/// exactly one line per input.
/// </summary>
internal static class ClusterPreprocessRun
{
    /// <summary>The node could not start (port taken, bad address, corrupt journal).</summary>
    public const int StartFailedExitCode = 2;

    /// <summary>The coordinator's log file in the output folder: <c>coordinator.log</c> (the caller attaches it).</summary>
    public const string LogName = "coordinator";

    private const string Category = "spark3d.preprocess";

    /// <summary>The root cause's message on one line (Akka wraps bind errors twice).</summary>
    public static string Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not Spark3D.Actors.Cluster.WorkJournalFormatException) e = e.InnerException;
        return e.Message.ReplaceLineEndings(" ");
    }

    public static async Task<int> RunAsync(IReadOnlyList<VolumeSource> sources, string outputDir, CacheBuildOptions options,
        ClusterNodeOptions node, PreprocessJobOptions job, bool work, TelemetryOptions telemetry, IAnsiConsole console, RunLog log)
    {
        var logger = log.For(Category);
        outputDir = Path.GetFullPath(outputDir);
        Directory.CreateDirectory(outputDir);
        var items = sources.Select(s => new VolumeWorkItem(s.Id, s.SourcePath)).ToList();
        var description = new JobDescription(outputDir, options);
        string manifestPath = Path.Combine(outputDir, options.ManifestFileName);
        JobSummary summary;
        // The coordinator's ClusterMetrics and, when it works too, its worker's instruments, all on one endpoint.
        using var exporter = MetricsExporter.Start(telemetry, MetricsRole.Coordinator, ClusterWorkerMetrics.HistogramViews, w => logger.Warn(w));
        using var workerMetrics = new ClusterWorkerMetrics();
        using (var journal = new ManifestWorkJournal(manifestPath, items))
        {
            PreprocessCoordinatorNode coordinator;
            ClusterNodeWarnings.WarnIfInsecure(node, "spark3d preprocess");
            try
            {
                coordinator = PreprocessCluster.StartCoordinator(node, job, items, journal,
                    work ? new MeteredVolumeJob(new CacheVolumeJob(description), workerMetrics) : null, logs: log.Factory);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Failure(Category, $"spark3d preprocess: cannot start the coordinator on {node.Hostname}:{node.Port}: {Innermost(e)}", e);
                return StartFailedExitCode;
            }
            try
            {
                coordinator.System.ActorOf(JobDescriptionActor.Props(description), JobDescriptionActor.Name);
                var a = coordinator.Address;
                logger.Line($"spark3d preprocess --cluster: coordinator at {a.Host}:{a.Port} ({a}); {items.Count} volumes; " +
                            $"{(work ? "this node works too" : "workers only")}; output {outputDir}");
                logger.Line($"  workers join with: spark3d node --role preprocess --seed {a.Host}:{a.Port}");
                if (exporter.Url is { } url) logger.Line($"  metrics: {url}");
                logger.Line($"  log: {log.FilePath}");
                summary = await ClusterProgressView.RunAsync(coordinator, console, TimeSpan.FromMilliseconds(500), logger, log.FileOnly(Category))
                    .ConfigureAwait(false);
            }
            finally
            {
                await coordinator.ShutdownAsync().ConfigureAwait(false);
            }
        }
        ManifestCompactor.Compact(manifestPath, items.Select(i => i.Id));
        int stale = DatasetPreprocessor.RemoveStaleTempFiles(outputDir); // half-written files of killed workers
        if (stale > 0) logger.Line($"spark3d preprocess --cluster: removed {stale} temporary file(s) left by stopped workers");
        logger.Line($"spark3d preprocess --cluster: {summary.Total} volumes: done {summary.Done - summary.SkippedFromJournal}, " +
                    $"failed {summary.Failed}, skipped {summary.SkippedFromJournal} (already in the cache); re-queued {summary.Requeued}, " +
                    $"duplicates ignored {summary.DuplicatesIgnored}; {CommandConsole.Duration(summary.Elapsed)}{WorkingText(summary)}; manifest {manifestPath}");
        foreach (var n in summary.Nodes)
            logger.Line(string.Create(CultureInfo.InvariantCulture, $"  node {n.Node}: {n.Completed} ok, {n.Failed} failed, {n.ItemsPerSecond:0.00} items/s"));
        return 0;
    }

    // Throughput over the working span only: cluster formation and shutdown are not preprocessing.
    private static string WorkingText(JobSummary summary) =>
        summary.Working is { } w
            ? string.Create(CultureInfo.InvariantCulture, $" (working {w.TotalSeconds:0.0} s, first lease to last result: {summary.ItemsPerSecond:0.00} volumes/s)")
            : "";
}
