using System.CommandLine;
using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;
using Spark3D.Host.Cluster;
using Spark3D.Host.Config;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d preprocess --input DIR|LIST --output DIR [-j N] [--timings]`: builds the preprocessed cache (one .s3d file per volume plus
/// manifest.jsonl) in parallel with a progress bar; resumable; bad files are recorded in the manifest (exit 0).
/// On an nnU-Net dataset folder (or with channels sharing a label map) the CASE_000C channels of a case are preprocessed
/// together (one crop box, one grid), and channels dataset.json names CT get nnU-Net's CT normalisation (local runs).
/// `--cluster [--port P] [--work true|false]` runs the same job as the coordinator of an Akka cluster (docs/cluster.md);
/// workers join with `spark3d node --role preprocess --seed HOST:PORT`. Exit 2 with one line for unusable arguments.
/// </summary>
internal static class PreprocessCommand
{
    public const int BadArgumentsExitCode = 2;

    public const int CancelledExitCode = 130;

    public static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "Folder searched recursively for .nii/.nii.gz/.hdr, or a list file (.jsonl manifest or one path per line).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Cache folder (created if missing); manifest.jsonl goes here.", Required = true };
        var jobs = new Option<int?>("--jobs", "-j") { Description = "Volumes processed at once (default: spark3d.preprocess.parallelism; 0 = cores). With --cluster: jobs of the coordinator's own worker." };
        var labels = new Option<string?>("--labels") { Description = "Folder of label maps (named like the images, or like nnU-Net's case_0000 images without _0000); each is preprocessed onto its image's grid as <id>.labels.s3d. Local runs only." };
        var cluster = new Option<bool>("--cluster") { Description = "Run as the coordinator of a preprocessing cluster." };
        var port = new Option<int?>("--port") { Description = "Cluster port of the coordinator (default: spark3d.cluster.port)." };
        var work = new Option<bool>("--work") { Description = "With --cluster: the coordinator also preprocesses (default true).", DefaultValueFactory = _ => true };
        var timings = new Option<bool>("--timings") { Description = "Print the seconds spent per stage (hash, inflate, convert, reorient, crop, statistics, resample, chunk, compress, checksum, write), summed over volumes, as one JSON line. Local runs only." };
        var cmd = new Command("preprocess", "Preprocess NIfTI volumes into the chunked training cache (locally or as a cluster coordinator).")
        {
            input, output, jobs, labels, cluster, port, work, timings,
        };
        cmd.SetAction((r, ct) => RunAsync(r, r.GetValue(input)!, r.GetValue(output)!, r.GetValue(jobs), r.GetValue(labels), r.GetValue(cluster),
            r.GetValue(port), r.GetValue(work), r.GetValue(timings), ct));
        return cmd;
    }

    /// <summary>Start of the line `--timings` prints; the rest of the line is one JSON object of seconds per stage.</summary>
    public const string TimingsPrefix = "spark3d preprocess: stage seconds (summed over volumes) ";

    private static async Task<int> RunAsync(ParseResult r, string input, string output, int? jobs, string? labels, bool cluster, int? port, bool work,
        bool timings, CancellationToken ct)
    {
        using var log = GlobalOptions.CreateLog(r);
        CacheBuildOptions options;
        IReadOnlyList<VolumeSource> sources;
        Akka.Configuration.Config config;
        try
        {
            if (jobs is < 0) throw new ArgumentException($"--jobs must be >= 0 (got {jobs}).");
            if (port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535 (got {port}).");
            if (timings && cluster) throw new ArgumentException("--timings is not supported with --cluster yet; it times local runs.");
            config = GlobalOptions.LoadConfig(r);
            options = PreprocessOptionsMapper.FromConfig(config, jobs);
            sources = VolumeSourceScanner.Scan(input, DataOptionsMapper.IncludeTestImages(config));
            if (sources.Count == 0) throw new ArgumentException($"--input '{input}' holds no .nii, .nii.gz or .hdr files.");
            if (labels is not null)
            {
                if (cluster) throw new ArgumentException("--labels is not supported with --cluster yet; run the label set locally.");
                sources = VolumeSourceScanner.WithLabels(sources, labels);
                if (sources.All(s => s.LabelPath is null)) throw new ArgumentException($"--labels '{labels}' holds no label map named like an input.");
            }
            if (!cluster)
            {
                // nnU-Net's CASE_000C files are preprocessed together per case, and CT channels get the data set's CT
                // statistics, so the cache is what finetune makes on the fly (it checks, and uses it: docs/nnunet.md).
                sources = PreprocessCases.Group(input, sources);
                options = options with { ChannelCt = PreprocessCases.CtStatistics(input, sources, labels is not null, log.For(Category)) };
            }
            if (File.Exists(output)) throw new IOException($"--output '{output}' is a file, not a folder.");
            Directory.CreateDirectory(output);
            // The output folder is the run directory: preprocess.log locally, coordinator.log for --cluster.
            log.AttachFile(Path.Combine(output, RunFileNames.Log(cluster ? ClusterPreprocessRun.LogName : LogName)), GlobalOptions.LogHeader());
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or FormatException
                                      or InvalidOperationException or Akka.Configuration.ConfigurationException
                                      or Data.Segmentation.SegmentationDatasetException or Data.Nifti.NiftiFormatException)
        {
            log.Failure(Category, "spark3d preprocess: " + e.Message.ReplaceLineEndings(" "), e);
            return BadArgumentsExitCode;
        }
        var logger = log.For(Category);

        var console = CommandConsole.Create();
        if (cluster)
        {
            ClusterNodeOptions node;
            PreprocessJobOptions job;
            Training.Telemetry.TelemetryOptions telemetry;
            try
            {
                node = ClusterOptionsMapper.Node(config);
                telemetry = TelemetryOptionsMapper.FromConfig(config);
                if (port is not null) node = node with { Port = port.Value };
                job = ClusterOptionsMapper.Job(config);
                if (jobs is > 0) job = job with { WorkerParallelism = jobs.Value };
            }
            catch (Exception e) when (e is ArgumentException or Akka.Configuration.ConfigurationException)
            {
                log.Failure(Category, "spark3d preprocess: " + e.Message.ReplaceLineEndings(" "), e);
                return BadArgumentsExitCode;
            }
            return await ClusterPreprocessRun.RunAsync(sources, output, options, node, job, work, telemetry, console, log).ConfigureAwait(false);
        }

        PreprocessSummary summary;
        try
        {
            // A bad volume is expected and handled (a failed manifest entry): one warning line, its stack trace in the file.
            var preprocessor = new DatasetPreprocessor(options, (entry, e) => logger.Warn($"failed {entry.Id}: {entry.Reason}", e));
            summary = CommandConsole.WithProgress(console, "preprocess", sources.Count, report =>
                preprocessor.Run(sources, output,
                    new InlineProgress(p => report(p.Completed, $"ok {p.Ok}  failed {p.Failed}  skipped {p.Skipped}")), ct),
                logger, log.FileOnly(Category));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.Warn("spark3d preprocess: cancelled; finished volumes are in the manifest, rerun the same command to resume.");
            return CancelledExitCode;
        }
        logger.Line($"spark3d preprocess: {summary.Total} volumes: ok {summary.Ok}, failed {summary.Failed}, skipped {summary.Skipped} " +
                    $"(already in the cache) in {CommandConsole.Duration(summary.Elapsed)}; manifest {Path.GetFullPath(summary.ManifestPath)}");
        foreach (var f in summary.Failures.Take(20)) logger.Line($"  failed {f.Id}: {f.Reason}");
        if (summary.Failures.Count > 20) logger.Line($"  … {summary.Failures.Count - 20} more failures in the manifest");
        if (timings && summary.Timings is not null) logger.Line(TimingsPrefix + summary.Timings.ToJson());
        logger.Line($"log: {log.FilePath}");
        return 0;
    }

    /// <summary>The log file of a local run in its output folder: <c>preprocess.log</c>.</summary>
    public const string LogName = "preprocess";

    private const string Category = "spark3d.preprocess";

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to a sync context / thread pool out of order).</summary>
    private sealed class InlineProgress(Action<PreprocessProgress> report) : IProgress<PreprocessProgress>
    {
        public void Report(PreprocessProgress value) => report(value);
    }
}
