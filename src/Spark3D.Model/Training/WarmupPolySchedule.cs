namespace Spark3D.Model.Training;

/// <summary>
/// Fine-tuning schedule of nnssl's PretrainedTrainer (spec §5.2), per step: linear warm-up lr0·(s+1)/W for
/// s &lt; W, then poly lr0·(1 − (s−W)/(T−W))^exponent until totalSteps T.
/// </summary>
public sealed record WarmupPolySchedule : LrSchedule
{
    /// <summary>Creates the schedule; 0 &lt; warmupSteps &lt; totalSteps.</summary>
    public WarmupPolySchedule(double lr0, long warmupSteps, long totalSteps, double exponent = 0.9)
    {
        RequirePositive(warmupSteps, nameof(warmupSteps));
        if (totalSteps <= warmupSteps) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"totalSteps ({totalSteps}) must exceed warmupSteps ({warmupSteps}).");
        Lr0 = lr0;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        Exponent = exponent;
    }

    /// <summary>Peak learning rate.</summary>
    public double Lr0 { get; init; }

    /// <summary>Warm-up length W.</summary>
    public long WarmupSteps { get; init; }

    /// <summary>Total steps T (warm-up included).</summary>
    public long TotalSteps { get; init; }

    /// <summary>Poly exponent.</summary>
    public double Exponent { get; init; }

    /// <inheritdoc/>
    public override string Name => "warmup-poly";

    /// <inheritdoc/>
    public override double LearningRate(long step) =>
        step < WarmupSteps ? Linear(Lr0, Math.Max(step, 0), WarmupSteps) : Poly(Lr0, step - WarmupSteps, TotalSteps - WarmupSteps, Exponent);
}
