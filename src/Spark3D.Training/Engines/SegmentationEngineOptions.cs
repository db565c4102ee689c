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
    ScalarType ComputeDType = ScalarType.Float32);
