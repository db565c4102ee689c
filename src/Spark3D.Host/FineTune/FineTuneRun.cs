using Microsoft.Extensions.Logging;
using Spark3D.Actors.Pipeline;
using Spark3D.Data.Augmentation;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Segmentation;
using Spark3D.Data.Volumes;
using Spark3D.Host.Commands;
using Spark3D.Host.Config;
using Spark3D.Host.Pretrain;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Engines;
using Spark3D.Training.Patches;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

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
    public static int Execute(Akka.Configuration.Config config, FineTuneRequest request, RunLog runLog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runLog);
        var log = runLog.For("spark3d.finetune");
        if ((request.Pretrained is null) == !request.FromScratch)
            throw new FineTuneSetupException("give exactly one of --pretrained CKPT or --from-scratch.");
        if (request.Steps < 1) throw new FineTuneSetupException($"--steps must be >= 1 (got {request.Steps}).");
        FineTuneSettings settings;
        PipelineOptions pipeline;
        TelemetryOptions telemetry;
        ValidationOptions validation;
        try
        {
            settings = FineTuneOptionsMapper.FromConfig(config);
            pipeline = PipelineOptionsMapper.FromConfig(config, Path.GetFullPath(request.RunDirectory), request.Steps);
            telemetry = TelemetryOptionsMapper.FromConfig(config);
            validation = FineTuneOptionsMapper.Validation(config);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Akka.Configuration.ConfigurationException or FormatException)
        {
            throw new FineTuneSetupException("configuration: " + e.Message, e);
        }
        if (request.Preset is { } p) settings = settings with { Preset = p };
        if (request.Patch is { } e2) settings = settings with { PatchSize = new Shape3(e2, e2, e2) };
        if (request.Batch is { } b) pipeline = pipeline with { BatchSize = b };
        if (request.Seed is { } s) pipeline = pipeline with { Seed = s };
        if (request.Device is { } device)
        {
            try
            {
                settings = settings with { Device = settings.Device with { Mode = DeviceOptionsMapper.ParseMode(device, "--device") } };
            }
            catch (ArgumentException e)
            {
                throw new FineTuneSetupException(e.Message, e);
            }
        }
        bool transferDecoder = request.DecoderInTransfer || settings.TransferDecoder;
        ValidateNetwork(settings);

        var (dataset, cases) = OpenData(request.Data);
        string runDir = pipeline.RunDirectory;
        Directory.CreateDirectory(runDir);
        runLog.AttachFile(Path.Combine(runDir, RunFileNames.Log("finetune")), GlobalOptions.LogHeader());
        var ct = CtStatistics(dataset, cases, log);
        var model = new FineTunedModel
        {
            ChannelNames = [.. dataset.ChannelNames],
            CtIntensityProperties = ct.Any(c => c is not null) ? ct : null,
            IgnoreLabel = dataset.IgnoreLabel,
            Preset = settings.Preset,
            NumClasses = dataset.NumClasses,
            PatchSize = [settings.PatchSize.X, settings.PatchSize.Y, settings.PatchSize.Z],
            Labels = dataset.Labels.ToDictionary(),
            CheckpointDirectory = settings.CheckpointDirectory,
            Pretrained = request.Pretrained is null ? null : Path.GetFullPath(request.Pretrained),
            TransferDecoder = transferDecoder && request.Pretrained is not null,
            Steps = request.Steps,
        }.WithPreprocess(settings.Preprocess);

        TorchRuntimeInfo runtime;
        try
        {
            runtime = TorchRuntime.Initialize(settings.Device);
        }
        catch (DeviceUnavailableException e)
        {
            throw new FineTuneSetupException(e.Message, e);
        }
        string? memory = CheckMemory(config, settings, runtime, pipeline.BatchSize, dataset.NumClasses, request.Pretrained is not null, log);
        if (memory is not null) log.Line(memory);
        Checkpoint? pretrained = null;
        if (request.Pretrained is { } path)
        {
            try
            {
                pretrained = PretrainedWeights.ReadCheckpoint(path, w => log.Warn(w));
            }
            catch (Exception ex) when (ex is IOException or CorruptCheckpointException or CheckpointNotFoundException)
            {
                throw new FineTuneSetupException($"--pretrained {path}: {ex.Message}", ex);
            }
            using var probe = ResidualEncoderUNet.FromPreset(settings.Preset, model.InputChannels, dataset.NumClasses);
            var report = PretrainedWeights.Load(probe, pretrained, transferDecoder);
            log.Line($"weight transfer from {path} (step {pretrained.Step}): {report}");
            if (report.Loaded.Count == 0)
                throw new FineTuneSetupException($"--pretrained {path}: no weight fits a '{settings.Preset}' network ({report}); was it pre-trained with another preset?");
        }

        LrSchedule schedule = pretrained is not null
            ? FineTuneSchedules.Pretrained(settings.PretrainedLr, request.Steps, settings.DecoderWarmupFraction, settings.DecoderDecayFraction, settings.AllWarmupFraction)
            : FineTuneSchedules.FromScratch(settings.ScratchLr, request.Steps);
        model = model with { Schedule = System.Text.Json.Nodes.JsonNode.Parse(schedule.ToJson()) };

        CheckResumable(runDir, model);
        model.Write(runDir);
        string configText = Spark3DConfig.Render(config);
        File.WriteAllText(Path.Combine(runDir, RunFileNames.Config), configText + "\n");

        var split = Split(runDir, cases, validation, pipeline.Seed, log);
        var trainCases = cases.Where(c => split.Train.Contains(c.Id)).ToList();
        var valCases = cases.Where(c => split.Val.Contains(c.Id)).ToList();
        var patchOptions = new LabelledPatchOptions(settings.Preprocess, settings.PatchSize, settings.ForegroundProbability, settings.Augmentation, settings.CaseCache,
            dataset.IgnoreLabel, ct);
        var cached = PreprocessedCases(request.Preprocessed ?? settings.PreprocessedCache, cases, dataset, settings.Preprocess, ct,
            CacheOptionsMapper.ManifestFileName(config), log);
        var catalog = new LabelledVolumeCatalog(trainCases.Select(c => (c.Id, c.ChannelPaths, c.LabelPath!))) { Preprocessed = cached };
        var producer = new LabelledPatchProducer(catalog, patchOptions);
        ValidationSet? validationSet = null;
        if (valCases.Count > 0)
        {
            // Its own producer: no augmentation (the score must not depend on a coin), and a cache that holds every case.
            var valCatalog = new LabelledVolumeCatalog(valCases.Select(c => (c.Id, c.ChannelPaths, c.LabelPath!))) { Preprocessed = cached };
            var valProducer = new LabelledPatchProducer(valCatalog, patchOptions with { Augmentation = SegmentationAugmentationOptions.None, CacheCapacity = Math.Max(1, valCases.Count) });
            validationSet = new ValidationSet(valProducer, valCatalog.Volumes, validation.PatchesPerCase, pipeline.Seed);
        }
        string? tensorBoard = telemetry.TensorBoardEnabled
            ? Path.IsPathRooted(telemetry.TensorBoardDirectory) ? telemetry.TensorBoardDirectory : Path.Combine(runDir, telemetry.TensorBoardDirectory)
            : null;
        var classNames = Enumerable.Range(0, dataset.NumClasses).Select(c => dataset.Labels.TryGetValue(c, out var n) ? n : "").ToList();
        var engines = new SegmentationTrainerEngineFactory(new SegmentationEngineOptions(settings.Preset, dataset.NumClasses,
            settings.Optimizer, schedule, model.CheckpointPath(runDir), settings.KeepLast, pretrained, transferDecoder,
            runtime.Device, configText, pipeline.Seed, runtime.ComputeDType, validationSet, validation, request.Steps, tensorBoard,
            telemetry.ScalarsEverySteps, classNames, settings.DeepSupervision, dataset.IgnoreLabel, model.InputChannels));

        log.Line($"fine-tuning {settings.Preset} on {trainCases.Count} labelled cases, validating on {valCases.Count} ({dataset.NumClasses} classes, " +
                 $"channels {string.Join(", ", dataset.ChannelNames)}{(dataset.IgnoreLabel is { } ig ? $", ignore label {ig}" : "")}), patch {settings.PatchSize}, " +
                      $"batch {pipeline.BatchSize}, {request.Steps} steps, {(pretrained is null ? "from scratch" : "pre-trained")}, " +
                      $"{(settings.DeepSupervision ? "deep supervision" : "full-resolution loss only")}, " +
                      $"schedule {schedule.ToJson()}, device {runtime.Device}, {ComputePrecision.Name(runtime.ComputeDType)}");
        log.Line($"run directory: {runDir}");
        using var exporter = MetricsExporter.Start(telemetry, MetricsRole.Finetune, PipelineMetrics.HistogramViews, w => log.Warn(w));
        if (exporter.Url is { } url) log.Line($"metrics: {url}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var run = PipelineRunner.Start(pipeline, catalog, producer, new LabelledBatchAssembler(), engines, logs: runLog.Factory);
            using var stop = cts.Token.Register(() => _ = run.StopAsync());
            new ConsoleProgressView(telemetry, "spark3d finetune", log, runLog.FileOnly("spark3d.finetune")).ShowAsync(run).GetAwaiter().GetResult();
            var result = run.Completion.GetAwaiter().GetResult();
            var last = run.Metrics.Snapshot();
            log.Line($"step {result.Step}, loss {result.LossFirst:0.####} -> {result.LossLast:0.####}{ProgressLine.Dice(last)}, {result.Elapsed.TotalSeconds:0.0} s, " +
                     $"data wait {result.DataWaitFraction:P0}, quarantined {result.Quarantined}: {result.Reason}");
            string checkpoints = model.CheckpointPath(runDir);
            log.Line($"checkpoints:     {checkpoints}" + (validationSet is null ? "" : $" (best: {Path.Combine(checkpoints, CheckpointStore.BestFileName)})"));
            if (tensorBoard is not null) log.Line($"tensorboard:     {tensorBoard}  (tensorboard --logdir {tensorBoard})");
            log.Line($"metrics.jsonl:   {Path.Combine(runDir, RunFileNames.Metrics)}");
            log.Line($"log:             {runLog.FilePath}");
            if (result.ExitCode != 0) log.Error("spark3d finetune: " + result.Reason);
            return result.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The run's split: splits_final.json when the run directory has one (a resumed run, or the user's), else a
    /// new one from spark3d.finetune.validation, written there.</summary>
    private static ValidationSplit Split(string runDir, IReadOnlyList<SegmentationCase> cases, ValidationOptions options, long seed, ILogger log)
    {
        string path = Path.Combine(runDir, RunFileNames.Splits);
        var ids = cases.Select(c => c.Id).ToList();
        ValidationSplit split;
        if (File.Exists(path))
        {
            try
            {
                split = ValidationSplit.Read(path, ids);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new FineTuneSetupException(e.Message, e);
            }
            log.Line($"validation split: {split.Train.Count} train / {split.Val.Count} val cases from {path}");
        }
        else
        {
            split = ValidationSplit.Create(ids, options.Fraction, seed);
            split.Write(path);
            log.Line($"validation split: {split.Train.Count} train / {split.Val.Count} val cases (fraction {options.Fraction}), written to {path}");
        }
        if (split.Train.Count == 0) throw new FineTuneSetupException($"{path}: no training case.");
        if (split.Val.Count == 0)
            log.Warn($"no validation: {(ids.Count < 2 ? "a single labelled case" : "no validation case")}; no pseudo-Dice and no {CheckpointStore.BestFileName}.");
        return split;
    }

    /// <summary>The memory preflight before any network or checkpoint is loaded; refusal is a setup error (exit 2).</summary>
    private static string? CheckMemory(Akka.Configuration.Config config, FineTuneSettings settings, TorchRuntimeInfo runtime, int batch, int classes, bool presetFixed,
        ILogger log)
    {
        var p = Memory.CommandWorkloads.Finetune(settings, runtime, batch, classes, presetFixed);
        try
        {
            return Memory.MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), p.Workload, p.Current, p.Alternatives, log);
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

    /// <summary>
    /// nnU-Net's CT normalisation statistics for every channel named CT (case-insensitive), from the foreground voxels
    /// of the training cases; null for the other channels (z-score per image).
    /// </summary>
    private static List<CtIntensityProperties?> CtStatistics(SegmentationDataset dataset, IReadOnlyList<SegmentationCase> cases, ILogger log)
    {
        var result = new List<CtIntensityProperties?>();
        for (int c = 0; c < dataset.ChannelNames.Count; c++)
        {
            if (!DatasetCtStatistics.IsCt(dataset.ChannelNames[c]))
            {
                result.Add(null);
                continue;
            }
            try
            {
                var (props, samples) = DatasetCtStatistics.Collect(cases.Select(k => (k.ChannelPaths[c], k.LabelPath!)), dataset.IgnoreLabel);
                log.Line(DatasetCtStatistics.Describe(c, props, samples, cases.Count));
                result.Add(props);
            }
            catch (Exception e) when (e is ArgumentException or NiftiFormatException or IOException)
            {
                throw new FineTuneSetupException($"--data {dataset.Root}: CT statistics of channel {c}: {e.Message}", e);
            }
        }
        return result;
    }

    /// <summary>Start of the log line saying the preprocessed cache is used.</summary>
    public const string CacheUsedLine = "preprocessed cache used: ";

    /// <summary>Start of the log line saying the preprocessed cache is not used, and why.</summary>
    public const string CacheNotUsedLine = "preprocessed cache not used: ";

    /// <summary>
    /// The cache files of every labelled case when <paramref name="cacheDir"/> (--preprocessed or spark3d.finetune.preprocessed)
    /// holds them made with these settings (<see cref="PreprocessedCaseIndex.Match"/>); null, with one log line saying why,
    /// when it does not (the cases are then preprocessed on the fly), or when no cache was given. A folder that does not
    /// exist is a setup error (a typo should not silently cost the cache).
    /// </summary>
    private static IReadOnlyDictionary<string, Data.Cache.PreprocessedCaseFiles>? PreprocessedCases(string? cacheDir, IReadOnlyList<SegmentationCase> cases,
        SegmentationDataset dataset, PreprocessOptions preprocess, IReadOnlyList<CtIntensityProperties?> ct, string manifestFileName, ILogger log)
    {
        if (cacheDir is null) return null;
        if (!Directory.Exists(cacheDir)) throw new FineTuneSetupException($"--preprocessed {cacheDir}: folder not found.");
        var match = Data.Cache.PreprocessedCaseIndex.Match(cacheDir, cases.Select(c => (c.Id, c.ChannelPaths, c.LabelPath!)), preprocess, ct, manifestFileName);
        string full = Path.GetFullPath(cacheDir);
        if (!match.Matches)
        {
            log.Warn($"{CacheNotUsedLine}{full}: {match.Reason}; preprocessing the cases on the fly.");
            return null;
        }
        string spacing = preprocess.TargetSpacing is { } t ? System.FormattableString.Invariant($"{t.X}×{t.Y}×{t.Z} mm") : "native spacing";
        string norm = string.Join(", ", dataset.ChannelNames.Select((n, c) => $"{n} ({(c < ct.Count && ct[c] is not null ? "CT statistics" : "z-score")})"));
        log.Line($"{CacheUsedLine}{full} matches the settings ({cases.Count} cases, {dataset.ChannelNames.Count} channel(s): {norm}, {spacing}, label maps); " +
                 "cases are read from it, not preprocessed again.");
        return match.Cases;
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
            old.InputChannels != model.InputChannels ||
            !old.PatchSize.SequenceEqual(model.PatchSize) || old.Pretrained != model.Pretrained)
            throw new FineTuneSetupException($"{runDir} holds another fine-tuning run (preset {old.Preset}, {old.NumClasses} classes, patch " +
                                             $"[{string.Join(",", old.PatchSize)}], pretrained {old.Pretrained ?? "none"}); use a new --run-dir.");
    }
}
