namespace Spark3D.Training.Engines;

/// <summary>Fine-tuning's validation (<c>spark3d.finetune.validation</c>): a split of the training cases, evaluated every
/// N steps with nnU-Net's pseudo-Dice; its moving average picks checkpoint_best.</summary>
public sealed record ValidationOptions
{
    /// <summary>Share of the labelled cases held out for validation (at least one case when there are two or more); 0 = none.</summary>
    public double Fraction { get; init; } = 0.2;
    /// <summary>Validate after every this many optimiser steps (and after the last one).</summary>
    public int EverySteps { get; init; } = 250;
    /// <summary>Fixed patches drawn from each validation case (foreground-oversampled like training, not mirrored).</summary>
    public int PatchesPerCase { get; init; } = 2;
    /// <summary>Weight of the old value in the moving average (nnU-Net: 0.9, i.e. ema = 0.9 ema + 0.1 dice).</summary>
    public double EmaWeight { get; init; } = 0.9;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public ValidationOptions Validate()
    {
        if (Fraction is < 0 or >= 1 || double.IsNaN(Fraction)) throw new ArgumentException($"validation fraction must be in [0, 1), got {Fraction}.");
        if (EverySteps < 1) throw new ArgumentException($"validation every-steps must be >= 1, got {EverySteps}.");
        if (PatchesPerCase < 1) throw new ArgumentException($"validation patches-per-case must be >= 1, got {PatchesPerCase}.");
        if (EmaWeight is < 0 or >= 1 || double.IsNaN(EmaWeight)) throw new ArgumentException($"validation ema-weight must be in [0, 1), got {EmaWeight}.");
        return this;
    }
}
