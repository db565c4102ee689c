using Spark3D.Model.Training;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.train</c>: the step count, the optimiser and the learning-rate schedule.</summary>
public static class TrainOptionsMapper
{
    /// <summary><c>spark3d.train.steps</c>.</summary>
    public static long Steps(Akka.Configuration.Config config) => Section(config, "spark3d.train").GetLong("steps");

    /// <summary><c>spark3d.train.optimizer</c> → <see cref="OptimizerOptions"/> (validated).</summary>
    public static OptimizerOptions Optimizer(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.train.optimizer");
        string kind = c.GetString("kind") ?? "";
        return new OptimizerOptions(
            kind.ToLowerInvariant() switch
            {
                "sgd" => OptimizerKind.Sgd,
                "adamw" => OptimizerKind.AdamW,
                _ => throw new ArgumentException($"spark3d.train.optimizer.kind must be sgd or adamw, got '{kind}'."),
            },
            c.GetDouble("lr"),
            c.GetDouble("momentum"),
            c.GetBoolean("nesterov"),
            c.GetDouble("weight-decay"),
            c.GetDouble("grad-clip"),
            c.GetDouble("beta1"),
            c.GetDouble("beta2"),
            c.GetDouble("eps")).Validate();
    }

    /// <summary>The schedule of <c>spark3d.train.schedule</c> from <paramref name="peakLr"/> (the optimiser's lr) over
    /// <paramref name="totalSteps"/> steps.</summary>
    public static LrSchedule Schedule(Akka.Configuration.Config config, double peakLr, long totalSteps)
    {
        var c = Section(config, "spark3d.train");
        string kind = c.GetString("schedule") ?? "";
        double exponent = c.GetDouble("poly-exponent");
        long warmup = c.GetLong("warmup-steps");
        return kind.ToLowerInvariant() switch
        {
            "poly" => new PolyLrSchedule(peakLr, totalSteps, exponent),
            "warmup-poly" when warmup > 0 => new WarmupPolySchedule(peakLr, warmup, totalSteps, exponent),
            "warmup-poly" => new PolyLrSchedule(peakLr, totalSteps, exponent),
            "constant" => new ConstantLrSchedule(peakLr),
            _ => throw new ArgumentException($"spark3d.train.schedule must be poly, warmup-poly or constant, got '{kind}'."),
        };
    }
}
