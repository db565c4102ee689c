using System.CommandLine;
using Spark3D.Actors.Cluster;
using Spark3D.Host.Cluster;
using Spark3D.Host.Config;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d node --role preprocess --seed HOST:PORT [--port P] [--hostname H]`: joins a preprocessing cluster as a
/// worker. The output folder and preprocessing settings come from the coordinator (<see cref="JobDescription"/>), so every
/// node writes the same files; its log file, <c>worker-HOST-PORT.log</c> (this node's cluster address), goes there too
/// from the moment the job description arrives (what was logged before it is written at the top). Exits 0 once the
/// coordinator reports all work done; 5 when it went away first (or never answered within
/// spark3d.cluster.registration-timeout), with a message on stderr; 130 on Ctrl-C or SIGTERM; 2 for bad arguments (<see cref="ExitCodes"/>).
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "Node role; only 'preprocess' exists today.", Required = true };
        var seed = new Option<string[]>("--seed") { Description = "Coordinator HOST:PORT (repeatable; default: spark3d.cluster.seeds).", AllowMultipleArgumentsPerToken = false };
        var port = new Option<int?>("--port") { Description = "Port to bind (default 0: any free port)." };
        var hostname = new Option<string?>("--hostname")
        {
            Description = "Address to bind and announce (default: spark3d.cluster.hostname); across machines this machine's name or IP.",
        };
        var cmd = new Command("node", "Join a Spark3D cluster as a worker node.") { role, seed, port, hostname };
        cmd.SetAction((r, ct) => RunAsync(r, r.GetValue(role)!, r.GetValue(seed) ?? [], r.GetValue(port), r.GetValue(hostname), ct));
        return cmd;
    }

    private const string Category = "spark3d.node";

    /// <summary>The worker's log file name (without .log) for its cluster address.</summary>
    public static string LogName(Akka.Actor.Address address) => $"worker-{address.Host}-{address.Port}";

    private static async Task<int> RunAsync(ParseResult r, string role, string[] seeds, int? port, string? hostname, CancellationToken ct)
    {
        using var log = GlobalOptions.CreateLog(r);
        var logger = log.For(Category);
        ClusterNodeOptions node;
        PreprocessJobOptions job;
        TelemetryOptions telemetry;
        try
        {
            if (role != ClusterRoles.Preprocess) throw new ArgumentException($"--role '{role}' is unknown (known: {ClusterRoles.Preprocess}).");
            if (port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535 (got {port}).");
            var config = GlobalOptions.LoadConfig(r);
            node = ClusterOptionsMapper.Node(config);
            node = node with { Port = port ?? 0, Seeds = seeds.Length > 0 ? seeds : node.Seeds };
            if (hostname is not null)
            {
                if (string.IsNullOrWhiteSpace(hostname) || hostname.Any(char.IsWhiteSpace))
                    throw new ArgumentException($"--hostname '{hostname}' is not a host name or address.");
                node = node with { Hostname = hostname };
            }
            if (node.Seeds.Count == 0) throw new ArgumentException("no seed: pass --seed HOST:PORT (the coordinator) or set spark3d.cluster.seeds.");
            foreach (var s in node.Seeds) _ = ClusterConfig.SeedAddress(node.SystemName, s, node.Tls.Enabled);
            job = ClusterOptionsMapper.Job(config);
            telemetry = TelemetryOptionsMapper.FromConfig(config);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or Akka.Configuration.ConfigurationException)
        {
            log.Failure(Category, "spark3d node: " + e.Message.ReplaceLineEndings(" "), e);
            return ExitCodes.BadInput;
        }

        // Ctrl-C and SIGTERM stop the node here (exit 130), so its actor system must not react to them as well: Akka's
        // shutdown hook stopped the system first, and the node reported its coordinator as lost (exit 5).
        node = node with { AkkaOverrides = node.AkkaOverrides + "\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off\n" };
        using var signals = new ShutdownSignals();
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(ct, signals.Token);
        ct = interrupted.Token;
        ClusterNodeWarnings.WarnIfInsecure(node, "spark3d node");
        var description = new TaskCompletionSource<JobDescription>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var exporter = MetricsExporter.Start(telemetry, MetricsRole.Worker, ClusterWorkerMetrics.HistogramViews, w => logger.Warn(w));
        using var metrics = new ClusterWorkerMetrics();
        PreprocessWorkerNode worker;
        try
        {
            worker = PreprocessCluster.StartWorker(node, job, new MeteredVolumeJob(new CacheVolumeJob(description.Task), metrics), log.Factory);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Failure(Category, $"spark3d node: cannot start on {node.Hostname}:{node.Port}: {ClusterPreprocessRun.Innermost(e)}", e);
            return ExitCodes.BadInput;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fetch = FetchDescription(worker, ClusterConfig.SeedAddress(node.SystemName, node.Seeds[0], node.Tls.Enabled), description, log, stop.Token);
        logger.Line($"spark3d node: worker {worker.Address} joining {string.Join(", ", node.Seeds)} ({job.EffectiveParallelism} jobs in flight)" +
                    (exporter.Url is { } url ? $"; metrics {url}" : ""));
        var outcome = await Task.WhenAny(worker.Completion, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false) == worker.Completion
            ? await worker.Completion.ConfigureAwait(false)
            : new WorkerOutcome(false, $"cancelled ({signals.Signal?.ToString() ?? "stop requested"})");
        await stop.CancelAsync().ConfigureAwait(false);
        description.TrySetCanceled(CancellationToken.None);
        await fetch.ConfigureAwait(false);
        var status = await TryStatus(worker).ConfigureAwait(false);
        await worker.ShutdownAsync().ConfigureAwait(false);
        logger.Line($"spark3d node: {(outcome.AllWorkDone ? "all work done" : "stopped")}: {outcome.Reason}" +
                    (status is null ? "" : $"; this node: {status.Completed} ok, {status.Failed} failed") +
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"; cpu {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.00} s") +
                    (log.FilePath is { } file ? $"; log {file}" : ""));
        if (outcome.AllWorkDone) return ExitCodes.Success;
        if (ct.IsCancellationRequested) return ExitCodes.Cancelled; // Ctrl-C: the line above says "cancelled"
        // The worker does not rejoin by itself: a restarted coordinator is a new cluster (docs/cluster.md, "Coordinator crashes").
        log.Failure(Category, $"spark3d node: the coordinator is gone or never answered ({outcome.Reason}); exit code {ExitCodes.CoordinatorLost}. " +
                              "Nothing finished is lost: start the coordinator again on the same output folder (it resumes from its journal), then this node.");
        return ExitCodes.CoordinatorLost;
    }

    private static async Task FetchDescription(PreprocessWorkerNode worker, string seedAddress, TaskCompletionSource<JobDescription> target, RunLog log,
        CancellationToken ct)
    {
        var logger = log.For(Category);
        try
        {
            var d = await JobDescriptionActor.FetchAsync(worker.System, seedAddress, ct).ConfigureAwait(false);
            AttachLog(log, d.OutputDir, worker.Address);
            logger.Line($"spark3d node: job from the coordinator: output {d.OutputDir}");
            target.TrySetResult(d);
        }
        catch (OperationCanceledException)
        {
            target.TrySetCanceled(ct);
        }
        catch (FormatException e)
        {
            logger.Error("spark3d node: " + e.Message, e);
            target.TrySetException(e);
        }
    }

    // The node's log file goes into the shared output folder, named by its cluster address (unique across the nodes).
    private static void AttachLog(RunLog log, string outputDir, Akka.Actor.Address address)
    {
        try
        {
            log.AttachFile(Path.Combine(outputDir, RunFileNames.Log(LogName(address))), GlobalOptions.LogHeader());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.For(Category).Warn($"spark3d node: no log file in {outputDir}: {e.Message}", e);
        }
    }

    private static async Task<WorkerStatus?> TryStatus(PreprocessWorkerNode worker)
    {
        try
        {
            return await Akka.Actor.Futures.Ask<WorkerStatus>(worker.Worker, GetWorkerStatus.Instance, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }
}
