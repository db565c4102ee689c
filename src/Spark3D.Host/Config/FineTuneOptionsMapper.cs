using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.finetune</c>, with what fine-tuning and prediction share with the other stages taken from
/// their sections' mappers (patch size, preprocessing, optimiser, device, checkpoints).</summary>
public static class FineTuneOptionsMapper
{
    /// <summary>The settings; <see cref="ArgumentException"/> names a bad key.</summary>
    public static FineTuneSettings FromConfig(Akka.Configuration.Config config)
    {
        var f = Section(config, "spark3d.finetune");
        string preset = f.GetString("preset") ?? "";
        if (string.IsNullOrWhiteSpace(preset)) preset = ModelOptionsMapper.Preset(config);
        var checkpoints = CheckpointOptionsMapper.FromConfig(config);
        return new FineTuneSettings(
            preset,
            DataOptionsMapper.PatchSize(config),
            DataOptionsMapper.ForegroundProbability(config),
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
            PreprocessOptionsMapper.Preprocess(config),
            TrainOptionsMapper.Optimizer(config),
            DeviceOptionsMapper.Device(config),
            checkpoints.Directory,
            checkpoints.KeepLast);
    }
}
