namespace Spark3D.Model.Training;

/// <summary>The loss (or the gradient norm) of a step was NaN or infinite. Thrown by <see cref="TrainingStep"/> before
/// the optimiser step (weights unchanged), and by the pipeline's trainer when an engine reports a non-finite loss;
/// either way the trainer restarts from the last good checkpoint.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>The optimiser step was skipped: what <see cref="TrainingStep"/> reports.</summary>
    public const string StepSkipped = "the optimizer step was skipped (weights unchanged)";

    /// <summary>Creates the exception for <paramref name="quantity"/> ("loss" or "gradient norm") at
    /// <paramref name="step"/>; <paramref name="consequence"/> says what happened to the weights.</summary>
    public NonFiniteLossException(long step, string quantity, double value, string consequence = StepSkipped)
        : base($"step {step}: {quantity} is {value}; {consequence}.")
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    /// <summary>The step at which it happened.</summary>
    public long Step { get; }

    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; }

    /// <summary>The offending value.</summary>
    public double Value { get; }
}
