using System.Runtime.InteropServices;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Losses;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>
/// The supervised trainer engine: a <see cref="ResidualEncoderUNet"/> (He init, then the pre-trained stem + encoder when
/// given) trained with Dice + CE. With a <see cref="SawtoothFineTuneSchedule"/> the first stage optimises the decoder only
/// (<c>decoder.*</c>, never the encoder: it is frozen and outside the optimiser), then a NEW optimiser over the whole
/// network takes over at <see cref="SawtoothFineTuneSchedule.AllStageStart"/>. Any other schedule trains everything from
/// step 0. Checkpoints hold weights, optimiser state, schedule and the data cursor; restoring is exact. In bf16 the
/// network runs on a bf16 compute twin; freezing, the optimiser, the transfer and checkpoints use the fp32 masters
/// (<see cref="MixedPrecisionNetwork{TModule}"/>), and Dice + CE is computed in fp32. With deep supervision every decoder
/// resolution's head is trained with nnU-Net's weights (<see cref="DeepSupervisionLoss"/>).
/// </summary>
public sealed class SegmentationTrainerEngine : ITrainerEngine
{
    private readonly SegmentationEngineOptions _options;
    private readonly MixedPrecisionNetwork<ResidualEncoderUNet> _precision;
    private readonly ResidualEncoderUNet _network; // the fp32 masters
    private readonly DiceCELoss _loss;
    private readonly DeepSupervisionLoss _deepLoss;
    private readonly CheckpointStore _store;
    private readonly Device _device;
    private OptimizerHelper? _optimizer;
    private bool _optimizerIsDecoderOnly;
    private TrainingStep? _step;
    private TrainingBatch? _batch;
    private readonly TensorBoardLog? _tensorBoard;
    private readonly ValidationTracker? _tracker;

    /// <summary>Builds the network (He init, pre-trained transfer) on the options' device; no checkpoint is read yet.</summary>
    public SegmentationTrainerEngine(SegmentationEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loss = new DiceCELoss(ignoreLabel: options.IgnoreLabel);
        _deepLoss = new DeepSupervisionLoss(options.IgnoreLabel);
        _device = options.Device ?? CPU;
        random.manual_seed(options.Seed);
        _network = ResidualEncoderUNet.FromPreset(options.Preset, options.InputChannels, options.NumClasses);
        _network.InitializeHe();
        if (options.Pretrained is not null)
        {
            TransferReport = PretrainedWeights.Load(_network, options.Pretrained, options.TransferDecoder);
            if (TransferReport.Loaded.Count == 0)
                throw new InvalidOperationException($"The pre-trained checkpoint provided no weights for this network ({TransferReport}).");
        }
        _network.to(_device);
        _precision = MixedPrecisionNetwork<ResidualEncoderUNet>.Create(_network, options.ComputeDType,
            () => ResidualEncoderUNet.FromPreset(options.Preset, options.InputChannels, options.NumClasses, _device));
        _precision.Train();
        _store = new CheckpointStore(options.CheckpointDirectory, options.KeepLast);
        if (options.TensorBoardDirectory is { } tb) _tensorBoard = new TensorBoardLog(tb);
        if (options.Validation is not null)
        {
            var v = options.ValidationSettings ?? new ValidationOptions();
            _tracker = new ValidationTracker(v.EmaWeight, Path.Combine(options.CheckpointDirectory, ValidationTracker.FileName));
        }
    }

    /// <inheritdoc />
    public long Step { get; private set; }

    /// <summary>What the pre-trained transfer did (null when training from scratch).</summary>
    public WeightTransferReport? TransferReport { get; }

    /// <summary>The network being trained (its fp32 master weights).</summary>
    public ResidualEncoderUNet Network => _network;

    /// <summary>The network forward and backward run on: <see cref="Network"/> in fp32, its bf16 twin in bf16.</summary>
    public ResidualEncoderUNet ComputeNetwork => _precision.Compute;

    /// <summary>Whether the optimiser step at <paramref name="step"/> updates the decoder only.</summary>
    public bool DecoderOnlyAt(long step) => _options.Schedule is SawtoothFineTuneSchedule s && s.TrainsDecoderOnly(step);

    /// <inheritdoc />
    public StepOutcome Train(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOptimizerFor(Step);
        _batch = batch;
        try
        {
            var result = _step!.Run(Step); // NonFiniteLossException propagates: the trainer restarts from a checkpoint
            Step++;
            if (_tensorBoard is { } tb && Step % Math.Max(1, _options.ScalarsEverySteps) == 0)
            {
                tb.Scalar("train/loss", result.Loss, Step);
                tb.Scalar("train/lr", result.Lr, Step);
                tb.Scalar("train/grad_norm", result.GradNorm, Step);
                tb.Scalar("train/step_seconds", result.Seconds, Step);
            }
            return new StepOutcome(result.Loss, result.Lr) { Validation = ValidationDue() ? Validate() : null };
        }
        finally
        {
            _batch = null;
        }
    }

    /// <summary>
    /// Scores the validation patches with the current weights (eval mode, no gradients, one patch at a time): nnU-Net's
    /// pseudo-Dice, its moving average, and checkpoint_best when the average is the best so far.
    /// </summary>
    public ValidationOutcome Validate()
    {
        var set = _options.Validation ?? throw new InvalidOperationException("This run has no validation split.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var dice = new PseudoDice(_options.NumClasses);
        var compute = _precision.Compute;
        compute.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var patch in set.Patches())
            {
                using var scope = NewDisposeScope();
                var s = patch.Shape;
                var labels = patch.Labels ?? throw new InvalidOperationException("A validation patch has no label map.");
                var x = tensor(patch.Voxels, [1, patch.Channels, s.Z, s.Y, s.X]).to(_device);
                var y = tensor(labels.Select(l => (long)MathF.Round(l)).ToArray(), [1, s.Z, s.Y, s.X]).to(_device);
                var predicted = compute.forward(_precision.ToCompute(x)).argmax(1);
                if (_options.IgnoreLabel is { } ignore)
                {
                    // Unannotated voxels count for no class (nnU-Net leaves them out of validation): both sides become
                    // background there, which changes no foreground TP, FP or FN.
                    var annotated = y.ne(ignore);
                    y = where(annotated, y, zeros_like(y));
                    predicted = where(annotated, predicted, zeros_like(predicted));
                }
                dice.Add(predicted, y);
            }
        }
        finally
        {
            _precision.Train();
        }
        double mean = dice.Mean();
        var (ema, best) = _tracker!.Update(Step, mean);
        if (best) _store.SaveBest(Checkpoint.Capture(_network, null, Step, _options.Schedule, configText: _options.ConfigText, includeTorchRng: false));
        var perClass = dice.PerClass();
        if (_tensorBoard is { } tb)
        {
            tb.Scalar("val/pseudo_dice", mean, Step);
            tb.Scalar("val/pseudo_dice_ema", ema, Step);
            for (int c = 0; c < perClass.Count; c++) tb.Scalar($"val/dice/{ClassName(c + 1)}", perClass[c], Step);
        }
        return new ValidationOutcome(mean, ema, perClass, best, clock.Elapsed.TotalSeconds);
    }

    private bool ValidationDue() =>
        _options.Validation is not null &&
        (Step % (_options.ValidationSettings ?? new ValidationOptions()).EverySteps == 0 || Step == _options.TotalSteps);

    private string ClassName(int c) =>
        _options.ClassNames is { } names && c < names.Count && !string.IsNullOrWhiteSpace(names[c]) ? names[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void SaveCheckpoint(PipelineCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        _store.Save(Checkpoint.Capture(_network, _optimizer, Step, _options.Schedule, cursor.ToJson(), configText: _options.ConfigText));
    }

    /// <inheritdoc />
    public PipelineCursor? RestoreLatest()
    {
        _tracker?.Load();
        if (!_store.TryLoadLatest(out var checkpoint)) return null;
        // The saved optimiser is the one that ran the last completed step (Step - 1).
        EnsureOptimizerFor(Math.Max(0, checkpoint.Step - 1));
        checkpoint.Restore(_network, _optimizer);
        _precision.SyncCompute();
        Step = checkpoint.Step;
        return checkpoint.DataCursorJson is { } json
            ? PipelineCursor.FromJson(json)
            : throw new InvalidDataException($"{_store.Directory}: checkpoint at step {checkpoint.Step} has no data cursor.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        _loss.Dispose();
        _deepLoss.Dispose();
        _precision.Dispose();
    }

    private void EnsureOptimizerFor(long step)
    {
        bool decoderOnly = DecoderOnlyAt(step);
        if (_optimizer is not null && decoderOnly == _optimizerIsDecoderOnly) return;
        _optimizer?.Dispose();
        // Stage 1: only decoder.* (WeightFilters.IsDecoderOnly excludes decoder.encoder.*); the encoder is frozen so no
        // gradient is even computed for it. Stage 2: a fresh optimiser (momentum reset) over every parameter.
        ParameterGroups.SetRequiresGrad(_network, WeightFilters.IsEncoder, !decoderOnly);
        var parameters = decoderOnly
            ? ParameterGroups.Select(_network, WeightFilters.IsDecoderOnly)
            : _network.parameters().ToList();
        _optimizer = OptimizerFactory.Create(parameters, _options.Optimizer);
        _optimizerIsDecoderOnly = decoderOnly;
        _step = new TrainingStep(_optimizer, ComputeLoss, _options.Schedule, _options.Optimizer, masterWeights: _precision.MasterWeights);
    }

    private Tensor ComputeLoss()
    {
        var batch = _batch ?? throw new InvalidOperationException("No batch set for the training step.");
        var first = batch.Patches[0];
        int n = batch.Count, voxels = first.VoxelCount, channels = first.Channels;
        if (channels != _options.InputChannels)
            throw new InvalidDataException($"A patch has {channels} channel(s); the network takes {_options.InputChannels}.");
        var s = first.Shape; // X fastest = a C-order (Z, Y, X) tensor
        var labels = empty([n, s.Z, s.Y, s.X], ScalarType.Int64);
        var target = MemoryMarshal.Cast<byte, long>(labels.bytes);
        for (int b = 0; b < n; b++)
        {
            var l = batch.Patches[b].Labels ?? throw new InvalidOperationException("A fine-tuning patch has no label map.");
            var dst = target.Slice(b * voxels, voxels);
            for (int i = 0; i < voxels; i++) dst[i] = (long)MathF.Round(l[i]);
        }
        var x = BatchTensors.Images(batch.Patches, channels).to(_device);
        var y = labels.to(_device);
        var outside = y.lt(0).logical_or(y.ge(_options.NumClasses));
        if (_options.IgnoreLabel is { } ignore) outside = outside.logical_and(y.ne(ignore));
        if (outside.any().item<bool>())
            throw new InvalidDataException($"A label map holds values outside [0, {_options.NumClasses - 1}]" +
                                           (_options.IgnoreLabel is { } ig ? $" and the ignore label {ig}." : "."));
        var input = _precision.ToCompute(x);
        if (_options.DeepSupervision)
        {
            var outputs = _precision.Compute.ForwardDeepSupervision(input).Select(o => o.to(ScalarType.Float32)).ToArray();
            return _deepLoss.forward(outputs, y);
        }
        var logits = _precision.Compute.forward(input).to(ScalarType.Float32);
        return _loss.forward(logits, y);
    }
}
