using Spark3D.Data.Augmentation;
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
            Augmentation(Section(f, "augmentation")),
            f.GetBoolean("deep-supervision"),
            f.GetInt("case-cache"),
            f.GetDouble("predict.overlap"),
            f.GetDouble("predict.gaussian-sigma-scale"),
            PredictOptionsMapper.TestTimeMirroring(config),
            PreprocessOptionsMapper.Preprocess(config),
            TrainOptionsMapper.Optimizer(config),
            DeviceOptionsMapper.Device(config),
            checkpoints.Directory,
            checkpoints.KeepLast,
            f.GetString("preprocessed") is { Length: > 0 } cache ? cache : null);
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

    /// <summary><c>spark3d.finetune.augmentation</c>: one block per transform.</summary>
    private static SegmentationAugmentationOptions Augmentation(Akka.Configuration.Config a)
    {
        // Spatial transforms move the whole patch: they have no per-channel probability.
        RandomTransformOptions T(string key, bool perChannel = true)
        {
            var t = Section(a, key);
            return new RandomTransformOptions(t.GetDouble("probability"), t.GetDouble("min"), t.GetDouble("max"),
                perChannel ? t.GetDouble("per-channel-probability") : 1);
        }
        return new SegmentationAugmentationOptions(
            a.GetBoolean("enabled"),
            T("rotation", perChannel: false), T("scaling", perChannel: false), T("noise"), T("blur"), T("brightness"), T("contrast"), T("low-resolution"),
            T("inverted-gamma"), T("gamma"),
            Section(a, "mirror").GetDouble("probability")).Validate();
    }
}
