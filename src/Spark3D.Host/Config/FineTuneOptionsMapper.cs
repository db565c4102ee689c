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

    /// <summary>The validation split and cadence (<c>spark3d.finetune.validation</c>); <see cref="ArgumentException"/> names a bad key.</summary>
    public static Training.Engines.ValidationOptions Validation(Akka.Configuration.Config config)
    {
        var v = Section(config, "spark3d.finetune.validation");
        try
        {
            return new Training.Engines.ValidationOptions
            {
                Fraction = v.GetDouble("fraction"),
                EverySteps = v.GetInt("every-steps"),
                PatchesPerCase = v.GetInt("patches-per-case"),
                EmaWeight = v.GetDouble("ema-weight"),
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("spark3d.finetune." + e.Message, e);
        }
    }

    /// <summary>spark3d.finetune.predict.checkpoint: <c>latest</c> or <c>best</c>.</summary>
    public static string PredictCheckpoint(Akka.Configuration.Config config)
    {
        string which = Section(config, "spark3d.finetune.predict").GetString("checkpoint") ?? "";
        return which is "latest" or "best" ? which : throw new ArgumentException($"spark3d.finetune.predict.checkpoint must be latest or best, got '{which}'.");
    }
}
