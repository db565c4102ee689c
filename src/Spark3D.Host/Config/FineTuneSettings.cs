using Spark3D.Data.Augmentation;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Model.Devices;
using Spark3D.Model.Training;

namespace Spark3D.Host.Config;

/// <summary>The configuration values <c>spark3d finetune</c> and <c>predict</c> use (<see cref="FineTuneOptionsMapper"/>
/// reads them). Command-line flags are applied on top by the commands.</summary>
public sealed record FineTuneSettings(
    string Preset,
    Shape3 PatchSize,
    double ForegroundProbability,
    double PretrainedLr,
    double ScratchLr,
    bool TransferDecoder,
    double DecoderWarmupFraction,
    double DecoderDecayFraction,
    double AllWarmupFraction,
    SegmentationAugmentationOptions Augmentation,
    bool DeepSupervision,
    int CaseCache,
    double Overlap,
    double GaussianSigmaScale,
    bool TestTimeMirroring,
    PreprocessOptions Preprocess,
    OptimizerOptions Optimizer,
    DeviceOptions Device,
    string CheckpointDirectory,
    int KeepLast,
    string? PreprocessedCache = null);
