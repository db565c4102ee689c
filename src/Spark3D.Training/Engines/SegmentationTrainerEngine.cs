using Spark3D.Model.Checkpoints;
using Spark3D.Model.Losses;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
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
/// (<see cref="MixedPrecisionNetwork{TModule}"/>), and Dice + CE is computed in fp32.
/// </summary>
public sealed class SegmentationTrainerEngine : ITrainerEngine
{
    private readonly SegmentationEngineOptions _options;
    private readonly MixedPrecisionNetwork<ResidualEncoderUNet> _precision;
    private readonly ResidualEncoderUNet _network; // the fp32 masters
    private readonly DiceCELoss _loss = new();
    private readonly CheckpointStore _store;
    private readonly Device _device;
    private OptimizerHelper? _optimizer;
    private bool _optimizerIsDecoderOnly;
    private TrainingStep? _step;
    private TrainingBatch? _batch;

    /// <summary>Builds the network (He init, pre-trained transfer) on the options' device; no checkpoint is read yet.</summary>
    public SegmentationTrainerEngine(SegmentationEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _device = options.Device ?? CPU;
        random.manual_seed(options.Seed);
        _network = ResidualEncoderUNet.FromPreset(options.Preset, 1, options.NumClasses);
        _network.InitializeHe();
        if (options.Pretrained is not null)
        {
            TransferReport = PretrainedWeights.Load(_network, options.Pretrained, options.TransferDecoder);
            if (TransferReport.Loaded.Count == 0)
                throw new InvalidOperationException($"The pre-trained checkpoint provided no weights for this network ({TransferReport}).");
        }
        _network.to(_device);
        _precision = MixedPrecisionNetwork<ResidualEncoderUNet>.Create(_network, options.ComputeDType,
            () => ResidualEncoderUNet.FromPreset(options.Preset, 1, options.NumClasses, _device));
        _precision.Train();
        _store = new CheckpointStore(options.CheckpointDirectory, options.KeepLast);
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
            return new StepOutcome(result.Loss, result.Lr);
        }
        finally
        {
            _batch = null;
        }
    }

    /// <inheritdoc />
    public void SaveCheckpoint(PipelineCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        _store.Save(Checkpoint.Capture(_network, _optimizer, Step, _options.Schedule, cursor.ToJson(), configText: _options.ConfigText));
    }

    /// <inheritdoc />
    public PipelineCursor? RestoreLatest()
    {
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
        int n = batch.Count, voxels = first.VoxelCount;
        var images = new float[(long)n * voxels];
        var labels = new long[(long)n * voxels];
        for (int b = 0; b < n; b++)
        {
            var p = batch.Patches[b];
            var l = p.Labels ?? throw new InvalidOperationException("A fine-tuning patch has no label map.");
            Array.Copy(p.Voxels, 0, images, (long)b * voxels, voxels);
            for (int i = 0; i < voxels; i++) labels[(long)b * voxels + i] = (long)MathF.Round(l[i]);
        }
        var s = first.Shape; // X fastest = a C-order (Z, Y, X) tensor
        var x = tensor(images, [n, 1, s.Z, s.Y, s.X]).to(_device);
        var y = tensor(labels, [n, s.Z, s.Y, s.X]).to(_device);
        if (y.max().item<long>() >= _options.NumClasses || y.min().item<long>() < 0)
            throw new InvalidDataException($"A label map holds values outside [0, {_options.NumClasses - 1}].");
        var logits = _precision.Compute.forward(_precision.ToCompute(x)).to(ScalarType.Float32);
        return _loss.forward(logits, y);
    }
}
