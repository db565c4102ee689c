namespace Spark3D.Model.Training;

/// <summary>Optimiser settings (HOCON `spark3d.train.optimizer`). Defaults are the pretraining ones (spec §3).</summary>
/// <param name="Kind">Sgd or AdamW.</param>
/// <param name="Lr">Peak learning rate (the schedule scales it per step).</param>
/// <param name="Momentum">SGD momentum.</param>
/// <param name="Nesterov">SGD Nesterov momentum.</param>
/// <param name="WeightDecay">L2 (SGD) or decoupled (AdamW) weight decay.</param>
/// <param name="GradClip">Global L2 gradient-norm clip; 0 or less disables clipping (the norm is still reported).</param>
/// <param name="Beta1">AdamW beta1.</param>
/// <param name="Beta2">AdamW beta2.</param>
/// <param name="Eps">AdamW epsilon.</param>
public sealed record OptimizerOptions(
    OptimizerKind Kind = OptimizerKind.Sgd,
    double Lr = 1e-2,
    double Momentum = 0.99,
    bool Nesterov = true,
    double WeightDecay = 3e-5,
    double GradClip = 12.0,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public OptimizerOptions Validate()
    {
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new ArgumentException($"optimizer lr must be > 0 and finite, got {Lr}.");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"optimizer momentum must be in [0, 1), got {Momentum}.");
        if (Nesterov && Kind == OptimizerKind.Sgd && Momentum == 0) throw new ArgumentException("optimizer nesterov needs momentum > 0.");
        if (WeightDecay < 0) throw new ArgumentException($"optimizer weight-decay must be >= 0, got {WeightDecay}.");
        if (double.IsNaN(GradClip)) throw new ArgumentException("optimizer grad-clip is NaN.");
        return this;
    }
}
