using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using TorchSharp;

namespace Spark3D.Training.Engines;

/// <summary>Everything <see cref="SparkTrainerEngine"/> needs: network, optimiser, schedule, where checkpoints and
/// telemetry go. The Host maps <c>spark3d.model</c>, <c>spark3d.mae</c>, <c>spark3d.train</c>, <c>spark3d.checkpoint</c> and
/// <c>spark3d.telemetry</c> onto it.</summary>
public sealed record SparkTrainerOptions
{
    /// <summary>The run directory; relative sub-folders below are resolved against it.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Network preset and channels (the MAE always has one output channel).</summary>
    public NetworkOptions Network { get; init; } = new("tiny");

    /// <summary>SparK network-side options (mask tokens, densify).</summary>
    public SparkMaeOptions Mae { get; init; } = new();

    /// <summary>Optimiser (SGD Nesterov 0.99, lr 1e-2, wd 3e-5, clip 12 by default; AdamW optional).</summary>
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Learning rate per step (poly over the run's total steps by default).</summary>
    public required LrSchedule Schedule { get; init; }

    /// <summary>Device the model and batches live on (from <c>TorchRuntime.Initialize</c>).</summary>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>Forward/backward dtype (<c>TorchRuntimeInfo.ComputeDType</c>): Float32, or BFloat16 with fp32 master
    /// weights (<see cref="MixedPrecisionNetwork{TModule}"/>); the loss, the optimiser and checkpoints stay fp32.</summary>
    public torch.ScalarType ComputeDType { get; init; } = torch.ScalarType.Float32;

    /// <summary>Checkpoint folder (relative to <see cref="RunDirectory"/> unless rooted).</summary>
    public string CheckpointDirectory { get; init; } = "checkpoints";

    /// <summary>How many checkpoint files to keep.</summary>
    public int KeepLastCheckpoints { get; init; } = 3;

    /// <summary>TensorBoard event folder (relative to the run directory); null = no TensorBoard files.</summary>
    public string? TensorBoardDirectory { get; init; } = "tensorboard";

    /// <summary>Write TensorBoard scalars every this many steps (1 = every step).</summary>
    public int ScalarsEverySteps { get; init; } = 1;

    /// <summary>Reconstruction PNG folder (relative to the run directory).</summary>
    public string ReconstructionDirectory { get; init; } = "reconstructions";

    /// <summary>Render a reconstruction of the batch's first sample every this many steps (0 = never).</summary>
    public int ReconstructionEverySteps { get; init; } = 500;

    /// <summary>The resolved configuration text stored in each checkpoint.</summary>
    public string? ConfigText { get; init; }

    /// <summary>Seed of torch's generator before the network is built (fresh weights are reproducible); a restored
    /// checkpoint brings its own generator state.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Fault injection for supervision tests: the first time the engine is about to train this step (1-based),
    /// it throws instead (once per process). 0 = off.</summary>
    public long ThrowOnceAtStep { get; init; }

    /// <summary>Full path of a folder setting.</summary>
    public string Resolve(string folder) => Path.IsPathRooted(folder) ? folder : Path.Combine(RunDirectory, folder);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunDirectory)) throw new ArgumentException("SparkTrainerOptions.RunDirectory is empty.");
        if (KeepLastCheckpoints < 1) throw new ArgumentException($"checkpoint keep-last must be >= 1, got {KeepLastCheckpoints}.");
        if (ScalarsEverySteps < 1) throw new ArgumentException($"telemetry scalars-every must be >= 1, got {ScalarsEverySteps}.");
        if (ReconstructionEverySteps < 0) throw new ArgumentException($"telemetry reconstruction-every must be >= 0, got {ReconstructionEverySteps}.");
        Optimizer.Validate();
        _ = Network.ToConfig();
    }
}
