using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spark3D.Actors.Pipeline;
using Spark3D.Host.Config;
using Spark3D.Host.Memory;
using Spark3D.Host.Pretrain;
using Spark3D.Model.Devices;
using Spark3D.Model.Training;
using Spark3D.Training.Engines;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>
/// <c>spark3d pretrain [--run-dir DIR] [--data DIR] [--preset NAME] [--steps N] [--device auto|cpu|cuda] [--patch N] [--batch N]</c>:
/// SparK MAE pre-training through the actor pipeline. Without --data it is the README demo (phantoms, tiny preset, CPU).
/// Contract: DIR/checkpoints/, DIR/tensorboard/, DIR/reconstructions/, DIR/quarantine.jsonl, DIR/summary.json; rerunning
/// resumes from the last checkpoint up to --steps; exit codes as <see cref="ExitCodes"/> (2 for bad flags or data), with a one-line reason.
/// </summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var runDir = new Option<string?>("--run-dir") { Description = "Run directory (default: spark3d.pretrain.run-directory). Resumes when it holds checkpoints." };
        var data = new Option<string?>("--data") { Description = "Preprocessed cache folder (manifest.jsonl) or raw NIfTI folder. Default: the built-in phantom demo." };
        var preset = new Option<string?>("--preset") { Description = "Network preset: tiny, small, resenc-l." };
        var steps = new Option<long?>("--steps") { Description = "Train until this many optimiser steps in total." };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda." };
        var patch = new Option<int?>("--patch") { Description = "Cubic patch edge in voxels (multiple of the mask block size)." };
        var batch = new Option<int?>("--batch") { Description = "Patches per batch." };
        var cmd = new Command("pretrain", "SparK MAE pre-training (the README demo without --data).") { runDir, data, preset, steps, device, patch, batch };
        cmd.SetAction(result =>
        {
            var flags = new PretrainFlags(result.GetValue(runDir), result.GetValue(data), result.GetValue(preset), result.GetValue(steps),
                result.GetValue(device), result.GetValue(patch), result.GetValue(batch));
            using var log = GlobalOptions.CreateLog(result);
            try
            {
                var config = PretrainConfigResolver.Resolve(GlobalOptions.LoadConfig(result), flags);
                return Run(config, PretrainConfigResolver.IsDemo(flags, config), log);
            }
            catch (MemoryPreflightException e)
            {
                log.Failure("spark3d.pretrain", $"spark3d pretrain: {e.Message}", e);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                          or DeviceUnavailableException or Akka.Configuration.ConfigurationException
                                          or UnauthorizedAccessException or InvalidOperationException)
            {
                log.Failure("spark3d.pretrain", $"spark3d pretrain: {OneLine(e.Message)}", e);
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    private static int Run(Akka.Configuration.Config config, bool demo, RunLog log)
    {
        var pretrain = PretrainOptionsMapper.FromConfig(config);
        string runDirectory = pretrain.RunDirectory;
        long totalSteps = TrainOptionsMapper.Steps(config);
        var telemetry = TelemetryOptionsMapper.FromConfig(config);
        var pipeline = PipelineOptionsMapper.FromConfig(config, runDirectory, totalSteps);
        Directory.CreateDirectory(runDirectory);
        log.AttachFile(Path.Combine(runDirectory, RunFileNames.Log("pretrain")), GlobalOptions.LogHeader());
        var logger = log.For("spark3d.pretrain");
        string configText = Spark3DConfig.Render(config);
        File.WriteAllText(Path.Combine(runDirectory, RunFileNames.Config), configText + Environment.NewLine);

        string dataDirectory = demo ? BuildDemoData(config, pretrain.Demo, logger) : pretrain.Data!;
        var network = ModelOptionsMapper.Network(config);
        var mae = MaeOptionsMapper.Network(config);
        var optimizer = TrainOptionsMapper.Optimizer(config);
        var dataOptions = PretrainOptionsMapper.DataOptions(config);
        var checkpoints = CheckpointOptionsMapper.FromConfig(config);
        var runtime = TorchRuntime.Initialize(DeviceOptionsMapper.Device(config));
        var preflight = CommandWorkloads.Pretrain(network, mae, dataOptions, optimizer.Kind, runtime, pipeline.BatchSize);
        string? memory = MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), preflight.Workload, preflight.Current,
            preflight.Alternatives, logger);
        using var data = PretrainData.Open(dataDirectory, dataOptions);
        var engineOptions = new SparkTrainerOptions
        {
            RunDirectory = runDirectory,
            Network = network,
            Mae = mae,
            Optimizer = optimizer,
            Schedule = TrainOptionsMapper.Schedule(config, optimizer.Lr, totalSteps),
            Device = runtime.Device,
            ComputeDType = runtime.ComputeDType,
            CheckpointDirectory = checkpoints.Directory,
            KeepLastCheckpoints = checkpoints.KeepLast,
            TensorBoardDirectory = telemetry.TensorBoardEnabled ? telemetry.TensorBoardDirectory : null,
            ScalarsEverySteps = telemetry.ScalarsEverySteps,
            ReconstructionDirectory = telemetry.ReconstructionDirectory,
            ReconstructionEverySteps = telemetry.ReconstructionEverySteps,
            ConfigText = configText,
            Seed = pipeline.Seed,
            ThrowOnceAtStep = pretrain.InjectFailureAtStep,
        };
        var engines = new SparkTrainerEngineFactory(engineOptions, w => logger.Warn(w));

        logger.Line(string.Create(CultureInfo.InvariantCulture,
            $"spark3d pretrain: {engineOptions.Network.Preset} on {runtime.Device.type.ToString().ToLowerInvariant()} ({runtime.Threads} threads, {ComputePrecision.Name(runtime.ComputeDType)}), " +
            $"patch {data.PatchSize}, batch {pipeline.BatchSize}, {totalSteps} steps, {data.Catalog.Volumes.Count} volumes from {dataDirectory} [{data.Kind}]"));
        logger.Line($"run directory: {runDirectory}");
        if (memory is not null) logger.Line(memory);

        using var metrics = MetricsExporter.Start(telemetry, MetricsRole.Pretrain, PipelineMetrics.HistogramViews, w => logger.Warn(w));
        if (metrics.Url is { } url) logger.Line($"metrics: {url}");
        using var signals = new ShutdownSignals();
        var run = PipelineRunner.Start(pipeline, data.Catalog, data.Producer, data.Batches, engines, logs: log.Factory);
        engines.DataWaitFraction = () => run.Metrics.Snapshot().DataWaitFraction;
        using var stop = signals.Token.Register(() => _ = run.StopAsync());
        new ConsoleProgressView(telemetry, "spark3d pretrain", logger, log.FileOnly("spark3d.pretrain")).ShowAsync(run).GetAwaiter().GetResult();
        var outcome = run.Completion.GetAwaiter().GetResult();

        Report(outcome, runDirectory, engineOptions, logger, log.FilePath);
        if (outcome.ExitCode != 0) logger.Error($"spark3d pretrain: {OneLine(outcome.Reason)}");
        return outcome.ExitCode;
    }

    private static string BuildDemoData(Akka.Configuration.Config config, DemoOptions demo, ILogger logger)
    {
        // The demo's phantoms are spark3d.data.phantoms, only smaller (spark3d.pretrain.demo.max-voxels).
        var options = PhantomOptionsMapper.FromConfig(config) with { MaxVoxels = demo.MaxVoxels };
        int built = DemoDataset.EnsureBuilt(demo.DataDirectory, demo.Phantoms, options, m => logger.Line(m));
        if (built > 0) logger.Line($"built {built} phantoms in {demo.DataDirectory}");
        return demo.DataDirectory;
    }

    private static void Report(PipelineResult r, string runDirectory, SparkTrainerOptions o, ILogger logger, string? logFile)
    {
        logger.Line(string.Create(CultureInfo.InvariantCulture,
            $"{r.Reason}: step {r.Step} ({r.StepsThisRun} this run), loss {Num(r.LossFirst)} -> {Num(r.LossLast)}, " +
            $"data-wait {r.DataWaitFraction:P0}, restarts {r.Restarts}, quarantined {r.Quarantined}, {r.Elapsed.TotalSeconds:F1} s"));
        logger.Line($"checkpoints:     {o.Resolve(o.CheckpointDirectory)}");
        if (o.TensorBoardDirectory is { } tb) logger.Line($"tensorboard:     {o.Resolve(tb)}  (tensorboard --logdir {o.Resolve(tb)})");
        logger.Line($"reconstructions: {o.Resolve(o.ReconstructionDirectory)}");
        logger.Line($"summary:         {Path.Combine(runDirectory, RunFileNames.Summary)}");
        logger.Line($"quarantine:      {Path.Combine(runDirectory, RunFileNames.Quarantine)}");
        if (logFile is not null) logger.Line($"log:             {logFile}");
    }

    private static string Num(double? v) => v is { } d ? d.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
