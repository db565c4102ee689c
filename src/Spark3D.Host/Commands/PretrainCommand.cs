using System.CommandLine;
using System.Globalization;
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
/// resumes from the last checkpoint up to --steps; exit 0 on success or graceful stop, non-zero with a one-line reason.
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
            try
            {
                var config = PretrainConfigResolver.Resolve(GlobalOptions.LoadConfig(result), flags);
                return Run(config, PretrainConfigResolver.IsDemo(flags, config));
            }
            catch (MemoryPreflightException e)
            {
                Console.Error.WriteLine($"spark3d pretrain: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                          or DeviceUnavailableException or Akka.Configuration.ConfigurationException
                                          or UnauthorizedAccessException or InvalidOperationException)
            {
                Console.Error.WriteLine($"spark3d pretrain: {OneLine(e.Message)}");
                return 1;
            }
        });
        return cmd;
    }

    private static int Run(Akka.Configuration.Config config, bool demo)
    {
        var pretrain = PretrainOptionsMapper.FromConfig(config);
        string runDirectory = pretrain.RunDirectory;
        long totalSteps = TrainOptionsMapper.Steps(config);
        var telemetry = TelemetryOptionsMapper.FromConfig(config);
        var pipeline = PipelineOptionsMapper.FromConfig(config, runDirectory, totalSteps);
        Directory.CreateDirectory(runDirectory);
        string configText = Spark3DConfig.Render(config);
        File.WriteAllText(Path.Combine(runDirectory, RunFileNames.Config), configText + Environment.NewLine);

        string dataDirectory = demo ? BuildDemoData(config, pretrain.Demo) : pretrain.Data!;
        var network = ModelOptionsMapper.Network(config);
        var mae = MaeOptionsMapper.Network(config);
        var optimizer = TrainOptionsMapper.Optimizer(config);
        var dataOptions = PretrainOptionsMapper.DataOptions(config);
        var checkpoints = CheckpointOptionsMapper.FromConfig(config);
        var runtime = TorchRuntime.Initialize(DeviceOptionsMapper.Device(config));
        var preflight = CommandWorkloads.Pretrain(network, mae, dataOptions, optimizer.Kind, runtime, pipeline.BatchSize);
        string? memory = MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), preflight.Workload, preflight.Current,
            preflight.Alternatives, Console.Error);
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
        var engines = new SparkTrainerEngineFactory(engineOptions, w => Console.Error.WriteLine("warning: " + OneLine(w)));

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"spark3d pretrain: {engineOptions.Network.Preset} on {runtime.Device.type.ToString().ToLowerInvariant()} ({runtime.Threads} threads, {ComputePrecision.Name(runtime.ComputeDType)}), " +
            $"patch {data.PatchSize}, batch {pipeline.BatchSize}, {totalSteps} steps, {data.Catalog.Volumes.Count} volumes from {dataDirectory} [{data.Kind}]"));
        Console.Out.WriteLine($"run directory: {runDirectory}");
        if (memory is not null) Console.Out.WriteLine(memory);

        using var prometheus = new PrometheusExport(telemetry, w => Console.Error.WriteLine(w));
        if (prometheus.Url is { } url) Console.Out.WriteLine($"metrics: {url}");
        using var signals = new ShutdownSignals();
        var run = PipelineRunner.Start(pipeline, data.Catalog, data.Producer, data.Batches, engines);
        engines.DataWaitFraction = () => run.Metrics.Snapshot().DataWaitFraction;
        using var stop = signals.Token.Register(() => _ = run.StopAsync());
        new ConsoleProgressView(telemetry).ShowAsync(run).GetAwaiter().GetResult();
        var outcome = run.Completion.GetAwaiter().GetResult();

        Report(outcome, runDirectory, engineOptions);
        if (outcome.ExitCode != 0) Console.Error.WriteLine($"spark3d pretrain: {OneLine(outcome.Reason)}");
        return outcome.ExitCode;
    }

    private static string BuildDemoData(Akka.Configuration.Config config, DemoOptions demo)
    {
        // The demo's phantoms are spark3d.data.phantoms, only smaller (spark3d.pretrain.demo.max-voxels).
        var options = PhantomOptionsMapper.FromConfig(config) with { MaxVoxels = demo.MaxVoxels };
        int built = DemoDataset.EnsureBuilt(demo.DataDirectory, demo.Phantoms, options, m => Console.Out.WriteLine(m));
        if (built > 0) Console.Out.WriteLine($"built {built} phantoms in {demo.DataDirectory}");
        return demo.DataDirectory;
    }

    private static void Report(PipelineResult r, string runDirectory, SparkTrainerOptions o)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Reason}: step {r.Step} ({r.StepsThisRun} this run), loss {Num(r.LossFirst)} -> {Num(r.LossLast)}, " +
            $"data-wait {r.DataWaitFraction:P0}, restarts {r.Restarts}, quarantined {r.Quarantined}, {r.Elapsed.TotalSeconds:F1} s"));
        Console.Out.WriteLine($"checkpoints:     {o.Resolve(o.CheckpointDirectory)}");
        if (o.TensorBoardDirectory is { } tb) Console.Out.WriteLine($"tensorboard:     {o.Resolve(tb)}  (tensorboard --logdir {o.Resolve(tb)})");
        Console.Out.WriteLine($"reconstructions: {o.Resolve(o.ReconstructionDirectory)}");
        Console.Out.WriteLine($"summary:         {Path.Combine(runDirectory, RunFileNames.Summary)}");
        Console.Out.WriteLine($"quarantine:      {Path.Combine(runDirectory, RunFileNames.Quarantine)}");
    }

    private static string Num(double? v) => v is { } d ? d.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
