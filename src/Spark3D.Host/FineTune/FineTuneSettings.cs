using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Model.Devices;
using Spark3D.Model.Training;

namespace Spark3D.Host.FineTune;

/// <summary>The configuration values `spark3d finetune` / `predict` use, read from HOCON (<c>spark3d.finetune</c>,
/// <c>spark3d.preprocess</c>, <c>spark3d.train.optimizer</c>, <c>spark3d.model</c>, <c>spark3d.data</c>,
/// <c>spark3d.checkpoint</c>). Command-line flags are applied on top by the commands.</summary>
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
    bool Mirror,
    int CaseCache,
    double Overlap,
    double GaussianSigmaScale,
    PreprocessOptions Preprocess,
    OptimizerOptions Optimizer,
    DeviceOptions Device,
    string CheckpointDirectory,
    int KeepLast)
{
    /// <summary>Maps <paramref name="config"/>; throws <see cref="ArgumentException"/> naming a bad key.</summary>
    public static FineTuneSettings FromConfig(Akka.Configuration.Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var f = Section(config, "spark3d.finetune");
        var patch = Section(config, "spark3d.data").GetIntList("patch-size");
        if (patch.Count != 3 || patch.Any(p => p <= 0)) throw new ArgumentException($"spark3d.data.patch-size must be three positive integers, got [{string.Join(", ", patch)}].");
        string preset = f.GetString("preset", "");
        if (string.IsNullOrWhiteSpace(preset)) preset = Section(config, "spark3d.model").GetString("preset");
        var ckpt = Section(config, "spark3d.checkpoint");
        return new FineTuneSettings(
            preset,
            new Shape3(patch[0], patch[1], patch[2]),
            Section(config, "spark3d.data").GetDouble("foreground-probability"),
            f.GetDouble("pretrained-lr"),
            f.GetDouble("scratch-lr"),
            f.GetBoolean("transfer-decoder"),
            f.GetDouble("decoder-warmup-fraction"),
            f.GetDouble("decoder-decay-fraction"),
            f.GetDouble("all-warmup-fraction"),
            f.GetBoolean("mirror"),
            f.GetInt("case-cache"),
            f.GetDouble("predict.overlap"),
            f.GetDouble("predict.gaussian-sigma-scale"),
            ReadPreprocess(config),
            ReadOptimizer(config),
            ReadDevice(config),
            ckpt.GetString("directory"),
            ckpt.GetInt("keep-last"));
    }

    /// <summary><c>spark3d.preprocess</c> → <see cref="PreprocessOptions"/> (the same mapping as `spark3d preprocess`).</summary>
    public static PreprocessOptions ReadPreprocess(Akka.Configuration.Config config) => Config.PreprocessOptionsMapper.Preprocess(config);

    private static OptimizerOptions ReadOptimizer(Akka.Configuration.Config config) => Config.TrainOptionsMapper.Optimizer(config);

    private static DeviceOptions ReadDevice(Akka.Configuration.Config config) => Config.ModelOptionsMapper.Device(config);

    private static Akka.Configuration.Config Section(Akka.Configuration.Config config, string path) =>
        config.GetConfig(path) ?? throw new ArgumentException($"The configuration has no {path} section.");
}
