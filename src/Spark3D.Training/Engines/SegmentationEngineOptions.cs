using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>Everything a <see cref="SegmentationTrainerEngine"/> needs.</summary>
/// <param name="Preset">Network preset (tiny, small, resenc-l).</param>
/// <param name="NumClasses">Output classes including background.</param>
/// <param name="Optimizer">Optimiser settings (the schedule sets the lr each step).</param>
/// <param name="Schedule">Learning rate per step; a <see cref="SawtoothFineTuneSchedule"/> also decides which parameters train.</param>
/// <param name="CheckpointDirectory">Where step-NNNNNN.ckpt files and the `latest` pointer go.</param>
/// <param name="KeepLast">Checkpoint files kept.</param>
/// <param name="Pretrained">Pre-training checkpoint to transfer from on a fresh start; null = train from scratch (He init).</param>
/// <param name="TransferDecoder">Also transfer the decoder (without heads) from <paramref name="Pretrained"/>.</param>
/// <param name="Device">Compute device (CPU when null).</param>
/// <param name="ConfigText">Resolved configuration stored in each checkpoint.</param>
/// <param name="Seed">Seed of torch's generator for the He init (fresh starts are reproducible).</param>
/// <param name="ComputeDType">Forward/backward dtype: Float32, or BFloat16 with fp32 master weights.</param>
/// <param name="Validation">The validation cases' patches; null = no validation (and no checkpoint_best).</param>
/// <param name="ValidationSettings">How often to validate and how to average (used with <paramref name="Validation"/>).</param>
/// <param name="TotalSteps">The run's last step (validated too, whatever the cadence); 0 = unknown.</param>
/// <param name="TensorBoardDirectory">TensorBoard event folder (absolute); null = none.</param>
/// <param name="ScalarsEverySteps">Training scalars to TensorBoard every this many steps (validation scalars at each validation).</param>
/// <param name="ClassNames">Names of the classes 0..C-1 (per-class Dice tags); null = their numbers.</param>
/// <param name="DeepSupervision">Train every decoder resolution's head with nnU-Net's weighted loss (<see cref="Model.Losses.DeepSupervisionLoss"/>);
/// false: the full-resolution head only. Checkpoints are the same either way (every head always exists).</param>
/// <param name="IgnoreLabel">Label value of unannotated voxels (dataset.json's <c>ignore</c>): no loss there; null = none.</param>
/// <param name="InputChannels">Image channels the network takes (dataset.json's channel_names).</param>
public sealed record SegmentationEngineOptions(
    string Preset,
    int NumClasses,
    OptimizerOptions Optimizer,
    LrSchedule Schedule,
    string CheckpointDirectory,
    int KeepLast = 3,
    Model.Checkpoints.Checkpoint? Pretrained = null,
    bool TransferDecoder = false,
    Device? Device = null,
    string? ConfigText = null,
    long Seed = 42,
    ScalarType ComputeDType = ScalarType.Float32,
    ValidationSet? Validation = null,
    ValidationOptions? ValidationSettings = null,
    long TotalSteps = 0,
    string? TensorBoardDirectory = null,
    int ScalarsEverySteps = 10,
    IReadOnlyList<string>? ClassNames = null,
    bool DeepSupervision = false,

    int? IgnoreLabel = null,
    int InputChannels = 1);
