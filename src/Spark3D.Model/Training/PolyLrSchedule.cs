namespace Spark3D.Model.Training;

/// <summary>nnU-Net PolyLR per step: lr = lr0 · (1 − step/totalSteps)^exponent (spec §3), 0 from totalSteps on.</summary>
public sealed record PolyLrSchedule : LrSchedule
{
    /// <summary>Creates the schedule; totalSteps must be positive.</summary>
    public PolyLrSchedule(double lr0, long totalSteps, double exponent = 0.9)
    {
        RequirePositive(totalSteps, nameof(totalSteps));
        Lr0 = lr0;
        TotalSteps = totalSteps;
        Exponent = exponent;
    }

    /// <summary>Peak (initial) learning rate.</summary>
    public double Lr0 { get; init; }

    /// <summary>Steps over which lr decays to 0.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Poly exponent (0.9).</summary>
    public double Exponent { get; init; }

    /// <inheritdoc/>
    public override string Name => "poly";

    /// <inheritdoc/>
    public override double LearningRate(long step) => Poly(Lr0, step, TotalSteps, Exponent);
}
