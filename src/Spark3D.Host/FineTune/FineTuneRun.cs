using Spark3D.Actors.Pipeline;
using Spark3D.Data.Nifti;
using Spark3D.Data.Segmentation;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Engines;
using Spark3D.Training.Patches;
using Spark3D.Training.RunFiles;

namespace Spark3D.Host.FineTune;

/// <summary>
/// Sets up and runs one fine-tuning run on the actor pipeline: labelled catalog + <see cref="LabelledPatchProducer"/> +
/// <see cref="LabelledBatchAssembler"/> + <see cref="SegmentationTrainerEngineFactory"/>. Pre-trained runs use the two-stage
/// sawtooth schedule at spark3d.finetune.pretrained-lr; --from-scratch runs nnU-Net's poly schedule at scratch-lr.
/// </summary>
public static class FineTuneRun
{
    /// <summary>Runs <paramref name="request"/>; returns the process exit code (the pipeline's).</summary>
    /// <exception cref="FineTuneSetupException">Bad flags, data set or checkpoint.</exception>
    public static int Execute(Akka.Configuration.Config config, FineTuneRequest request, TextWriter log, CancellationToken cancellationToken = default)
    {
        if ((request.Pretrained is null) == !request.FromScratch)
            throw new FineTuneSetupException("give exactly one of --pretrained CKPT or --from-scratch.");
        if (request.Steps < 1) throw new FineTuneSetupException($"--steps must be >= 1 (got {request.Steps}).");
        FineTuneSettings settings;
        PipelineOptions pipeline;
        try
        {
            settings = FineTuneOptionsMapper.FromConfig(config);
            pipeline = PipelineOptionsMapper.FromConfig(config, Path.GetFullPath(request.RunDirectory), request.Steps);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Akka.Configuration.ConfigurationException or FormatException)
        {
            throw new FineTuneSetupException("configuration: " + e.Message, e);
        }
        if (request.Preset is { } p) settings = settings with { Preset = p };
        if (request.Patch is { } e2) settings = settings with { PatchSize = new Shape3(e2, e2, e2) };
        if (request.Batch is { } b) pipeline = pipeline with { BatchSize = b };
        if (request.Seed is { } s) pipeline = pipeline with { Seed = s };
        bool transferDecoder = request.DecoderInTransfer || settings.TransferDecoder;
        ValidateNetwork(settings);

        var (dataset, cases) = OpenData(request.Data);
        var model = new FineTunedModel
        {
            Preset = settings.Preset,
            NumClasses = dataset.NumClasses,
            PatchSize = [settings.PatchSize.X, settings.PatchSize.Y, settings.PatchSize.Z],
            Labels = dataset.Labels.ToDictionary(),
            CheckpointDirectory = settings.CheckpointDirectory,
            Pretrained = request.Pretrained is null ? null : Path.GetFullPath(request.Pretrained),
            TransferDecoder = transferDecoder && request.Pretrained is not null,
            Steps = request.Steps,
        }.WithPreprocess(settings.Preprocess);

        var runtime = TorchRuntime.Initialize(settings.Device);
        string? memory = CheckMemory(config, settings, runtime, pipeline.BatchSize, dataset.NumClasses, request.Pretrained is not null);
        if (memory is not null) log.WriteLine(memory);
        Checkpoint? pretrained = null;
        if (request.Pretrained is { } path)
        {
            try
            {
                pretrained = PretrainedWeights.ReadCheckpoint(path, w => Console.Error.WriteLine("warning: " + w));
            }
            catch (Exception ex) when (ex is IOException or CorruptCheckpointException or CheckpointNotFoundException)
            {
                throw new FineTuneSetupException($"--pretrained {path}: {ex.Message}", ex);
            }
            using var probe = ResidualEncoderUNet.FromPreset(settings.Preset, 1, dataset.NumClasses);
            var report = PretrainedWeights.Load(probe, pretrained, transferDecoder);
            log.WriteLine($"weight transfer from {path} (step {pretrained.Step}): {report}");
            if (report.Loaded.Count == 0)
                throw new FineTuneSetupException($"--pretrained {path}: no weight fits a '{settings.Preset}' network ({report}); was it pre-trained with another preset?");
        }

        LrSchedule schedule = pretrained is not null
            ? FineTuneSchedules.Pretrained(settings.PretrainedLr, request.Steps, settings.DecoderWarmupFraction, settings.DecoderDecayFraction, settings.AllWarmupFraction)
            : FineTuneSchedules.FromScratch(settings.ScratchLr, request.Steps);
        model = model with { Schedule = System.Text.Json.Nodes.JsonNode.Parse(schedule.ToJson()) };

        string runDir = pipeline.RunDirectory;
        Directory.CreateDirectory(runDir);
        CheckResumable(runDir, model);
        model.Write(runDir);
        string configText = Spark3DConfig.Render(config);
        File.WriteAllText(Path.Combine(runDir, RunFileNames.Config), configText + "\n");

        var catalog = new LabelledVolumeCatalog(cases.Select(c => (c.Id, c.ImagePath, c.LabelPath!)));
        var producer = new LabelledPatchProducer(catalog, new LabelledPatchOptions(settings.Preprocess, settings.PatchSize,
            settings.ForegroundProbability, settings.Mirror, settings.CaseCache));
        var engines = new SegmentationTrainerEngineFactory(new SegmentationEngineOptions(settings.Preset, dataset.NumClasses,
            settings.Optimizer, schedule, model.CheckpointPath(runDir), settings.KeepLast, pretrained, transferDecoder,
            runtime.Device, configText, pipeline.Seed, runtime.ComputeDType));

        log.WriteLine($"fine-tuning {settings.Preset} on {cases.Count} labelled cases ({dataset.NumClasses} classes), patch {settings.PatchSize}, " +
                      $"batch {pipeline.BatchSize}, {request.Steps} steps, {(pretrained is null ? "from scratch" : "pre-trained")}, " +
                      $"schedule {schedule.ToJson()}, device {runtime.Device}, {ComputePrecision.Name(runtime.ComputeDType)}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var result = PipelineRunner.RunAsync(pipeline, catalog, producer, new LabelledBatchAssembler(), engines, cts.Token).GetAwaiter().GetResult();
            log.WriteLine($"step {result.Step}, loss {result.LossFirst:0.####} -> {result.LossLast:0.####}, {result.Elapsed.TotalSeconds:0.0} s, " +
                          $"data wait {result.DataWaitFraction:P0}, quarantined {result.Quarantined}: {result.Reason}");
            if (result.ExitCode != 0) Console.Error.WriteLine("spark3d finetune: " + result.Reason);
            return result.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The memory preflight before any network or checkpoint is loaded; refusal is a setup error (exit 2).</summary>
    private static string? CheckMemory(Akka.Configuration.Config config, FineTuneSettings settings, TorchRuntimeInfo runtime, int batch, int classes, bool presetFixed)
    {
        var p = Memory.CommandWorkloads.Finetune(settings, runtime, batch, classes, presetFixed);
        try
        {
            return Memory.MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), p.Workload, p.Current, p.Alternatives, Console.Error);
        }
        catch (Exception e) when (e is Memory.MemoryPreflightException or ArgumentException)
        {
            throw new FineTuneSetupException(e.Message, e);
        }
    }

    private static void ValidateNetwork(FineTuneSettings settings)
    {
        UNetConfig net;
        try
        {
            net = NetworkPresets.Get(settings.Preset);
        }
        catch (ArgumentException e)
        {
            throw new FineTuneSetupException(e.Message, e);
        }
        var p = settings.PatchSize;
        int stride = net.TotalReduction;
        if (p.X % stride != 0 || p.Y % stride != 0 || p.Z % stride != 0)
            throw new FineTuneSetupException($"patch {p} is not a multiple of the '{settings.Preset}' network's total stride {stride}.");
    }

    private static (SegmentationDataset Dataset, IReadOnlyList<SegmentationCase> Cases) OpenData(string data)
    {
        try
        {
            var dataset = SegmentationDataset.Open(data);
            var cases = dataset.Cases.Where(c => c.LabelPath is not null).ToList();
            if (cases.Count == 0) throw new FineTuneSetupException($"--data {data}: no image has a label map.");
            if (dataset.Labels.Count == 0)
            {
                // Plain pairs carry no label names: the classes are the largest label value found, plus background.
                int max = cases.Max(c => (int)NiftiReader.Read(c.LabelPath!).Volume.Voxels.Max());
                dataset = dataset.WithLabelCount(Math.Max(2, max + 1));
            }
            return (dataset, cases);
        }
        catch (Exception e) when (e is SegmentationDatasetException or NiftiFormatException or IOException)
        {
            throw new FineTuneSetupException($"--data {data}: {e.Message}", e);
        }
    }

    private static void CheckResumable(string runDir, FineTunedModel model)
    {
        if (!File.Exists(Path.Combine(runDir, FineTunedModel.FileName))) return;
        FineTunedModel old;
        try
        {
            old = FineTunedModel.Read(runDir);
        }
        catch (InvalidDataException e)
        {
            throw new FineTuneSetupException(e.Message, e);
        }
        if (!string.Equals(old.Preset, model.Preset, StringComparison.OrdinalIgnoreCase) || old.NumClasses != model.NumClasses ||
            !old.PatchSize.SequenceEqual(model.PatchSize) || old.Pretrained != model.Pretrained)
            throw new FineTuneSetupException($"{runDir} holds another fine-tuning run (preset {old.Preset}, {old.NumClasses} classes, patch " +
                                             $"[{string.Join(",", old.PatchSize)}], pretrained {old.Pretrained ?? "none"}); use a new --run-dir.");
    }
}
