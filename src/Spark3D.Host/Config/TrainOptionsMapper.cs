using Spark3D.Model.Training;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.train</c> onto <see cref="OptimizerOptions"/> and an <see cref="LrSchedule"/>.</summary>
public static class TrainOptionsMapper
{
    /// <summary><c>spark3d.train.steps</c>.</summary>
    public static long Steps(Akka.Configuration.Config config) => config.GetLong("spark3d.train.steps", 250_000);

    /// <summary><c>spark3d.train.optimizer</c> → <see cref="OptimizerOptions"/> (validated).</summary>
    public static OptimizerOptions Optimizer(Akka.Configuration.Config config)
    {
        var c = config.GetConfig("spark3d.train.optimizer");
        var d = new OptimizerOptions();
        if (c is null) return d;
        string kind = c.GetString("kind", "sgd");
        return new OptimizerOptions(
            kind.ToLowerInvariant() switch
            {
                "sgd" => OptimizerKind.Sgd,
                "adamw" => OptimizerKind.AdamW,
                _ => throw new ArgumentException($"spark3d.train.optimizer.kind must be sgd or adamw, got '{kind}'."),
            },
            c.GetDouble("lr", d.Lr),
            c.GetDouble("momentum", d.Momentum),
            c.GetBoolean("nesterov", d.Nesterov),
            c.GetDouble("weight-decay", d.WeightDecay),
            c.GetDouble("grad-clip", d.GradClip),
            c.GetDouble("beta1", d.Beta1),
            c.GetDouble("beta2", d.Beta2),
            c.GetDouble("eps", d.Eps)).Validate();
    }

    /// <summary>The schedule of <c>spark3d.train.schedule</c> over <paramref name="totalSteps"/> steps.</summary>
    public static LrSchedule Schedule(Akka.Configuration.Config config, long totalSteps)
    {
        double lr = Optimizer(config).Lr;
        string kind = config.GetString("spark3d.train.schedule", "poly");
        double exponent = config.GetDouble("spark3d.train.poly-exponent", 0.9);
        long warmup = config.GetLong("spark3d.train.warmup-steps", 0);
        return kind.ToLowerInvariant() switch
        {
            "poly" => new PolyLrSchedule(lr, totalSteps, exponent),
            "warmup-poly" when warmup > 0 => new WarmupPolySchedule(lr, warmup, totalSteps, exponent),
            "warmup-poly" => new PolyLrSchedule(lr, totalSteps, exponent),
            "constant" => new ConstantLrSchedule(lr),
            _ => throw new ArgumentException($"spark3d.train.schedule must be poly, warmup-poly or constant, got '{kind}'."),
        };
    }
}
