using Spark3D.Model.Checkpoints;
using Spark3D.Model.Losses;
using Spark3D.Model.Mae;
using Spark3D.Model.Training;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>
/// The real trainer engine: a <see cref="SparkMae"/> around the configured preset, its optimiser and LR schedule, one
/// <see cref="TrainingStep"/> per batch (inside a dispose scope), checkpoints through <see cref="CheckpointStore"/> (model,
/// optimiser, step, schedule, torch RNG, the pipeline cursor, the resolved config), TensorBoard scalars and reconstruction
/// PNGs. In bf16 the MAE runs on a bf16 compute twin and the optimiser and checkpoints hold the fp32 masters
/// (<see cref="MixedPrecisionNetwork{TModule}"/>); the loss is computed in fp32. Created and used on the trainer's pinned
/// thread only.
/// </summary>
public sealed class SparkTrainerEngine : ITrainerEngine
{
    private readonly SparkTrainerOptions _options;
    private readonly SparkTrainerEngineFactory _factory;
    private readonly MixedPrecisionNetwork<SparkMae> _network;
    private readonly MaskedReconstructionLoss _loss = new();
    private readonly OptimizerHelper _optimizer;
    private readonly CheckpointStore _store;
    private readonly TensorBoardLog? _tensorBoard;
    private TrainingBatch? _current;
    private float[]? _snapshot;
    private bool _disposed;

    internal SparkTrainerEngine(SparkTrainerOptions options, SparkTrainerEngineFactory factory)
    {
        _options = options;
        _factory = factory;
        manual_seed(options.Seed);
        SparkMae Build() => new(options.Network.Build(options.Device), options.Mae);
        _network = MixedPrecisionNetwork<SparkMae>.Create(Build(), options.ComputeDType, Build);
        _network.Train();
        _optimizer = OptimizerFactory.Create(_network.Master.parameters(), options.Optimizer);
        _store = new CheckpointStore(options.Resolve(options.CheckpointDirectory), options.KeepLastCheckpoints, factory.Warn);
        if (options.TensorBoardDirectory is { } tb) _tensorBoard = new TensorBoardLog(options.Resolve(tb));
    }

    /// <inheritdoc />
    public long Step { get; private set; }

    /// <summary>The network being pre-trained: the fp32 master weights (for tests and weight export).</summary>
    public SparkMae Model => _network.Master;

    /// <summary>The network forward and backward run on: <see cref="Model"/> itself in fp32, its bf16 twin in bf16.</summary>
    public SparkMae ComputeModel => _network.Compute;

    /// <summary>Gradient norm of the latest step (before clipping).</summary>
    public double LastGradNorm { get; private set; } = double.NaN;

    /// <inheritdoc />
    public StepOutcome Train(TrainingBatch batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long next = Step + 1;
        if (_factory.TakeInjectedFault(next))
            throw new InjectedTrainerFaultException($"injected trainer failure at step {next} (spark3d.pretrain.inject-failure-at-step)");

        bool snapshot = _options.ReconstructionEverySteps > 0 && next % _options.ReconstructionEverySteps == 0;
        _current = batch;
        _snapshot = null;
        var step = new TrainingStep(_optimizer, () => Forward(snapshot), _options.Schedule, _options.Optimizer, masterWeights: _network.MasterWeights);
        StepResult result;
        try
        {
            result = step.Run(Step); // NonFiniteLossException propagates: the trainer restarts from a checkpoint
        }
        finally
        {
            _current = null;
        }
        Step = next;
        LastGradNorm = result.GradNorm;
        Log(result, batch);
        return new StepOutcome(result.Loss, result.Lr);
    }

    private Tensor Forward(bool keepFirstReconstruction)
    {
        var (image, visible) = BatchTensors.Create(_current!, _options.Device);
        // The reconstruction leaves the network in the compute dtype; the loss is an fp32 reduction either way.
        var reconstruction = _network.Compute.forward(_network.ToCompute(image), visible).to(ScalarType.Float32);
        if (keepFirstReconstruction)
        {
            using var first = reconstruction[0, 0].detach().to(ScalarType.Float32).cpu().contiguous();
            _snapshot = first.data<float>().ToArray();
        }
        return _loss.forward(reconstruction, image, visible);
    }

    private void Log(StepResult result, TrainingBatch batch)
    {
        if (_tensorBoard is { } tb && Step % _options.ScalarsEverySteps == 0)
        {
            tb.Scalar("train/loss", result.Loss, Step);
            tb.Scalar("train/lr", result.Lr, Step);
            tb.Scalar("train/grad_norm", result.GradNorm, Step);
            tb.Scalar("train/step_seconds", result.Seconds, Step);
            tb.Scalar("train/mask_ratio", batch.MaskRatio, Step);
            if (_factory.DataWaitFraction?.Invoke() is { } wait) tb.Scalar("pipeline/data_wait_fraction", wait, Step);
        }
        if (_snapshot is null) return;
        string path = Path.Combine(_options.Resolve(_options.ReconstructionDirectory), ReconstructionSnapshot.FileNameFor(Step));
        ReconstructionSnapshot.Save(path, batch, 0, _snapshot);
        _tensorBoard?.Image("reconstruction/input-masked-recon", path, Step);
        _snapshot = null;
    }

    /// <inheritdoc />
    public void SaveCheckpoint(PipelineCursor cursor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var checkpoint = Checkpoint.Capture(_network.Master, _optimizer, Step, _options.Schedule, cursor.ToJson(), null, _options.ConfigText);
        _store.Save(checkpoint);
    }

    /// <inheritdoc />
    public PipelineCursor? RestoreLatest()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_store.TryLoadLatest(out var checkpoint)) return null;
        checkpoint.Restore(_network.Master, _optimizer);
        _network.SyncCompute();
        Step = checkpoint.Step;
        return checkpoint.DataCursorJson is { } json ? PipelineCursor.FromJson(json) : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer.Dispose();
        _loss.Dispose();
        _network.Dispose();
    }
}
