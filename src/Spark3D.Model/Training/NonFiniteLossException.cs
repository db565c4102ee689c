namespace Spark3D.Model.Training;

/// <summary>The loss (or the gradient norm) was NaN or infinite; the optimiser step was not taken.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for <paramref name="quantity"/> ("loss" or "gradient norm").</summary>
    public NonFiniteLossException(long step, string quantity, double value)
        : base($"step {step}: {quantity} is {value}; the optimizer step was skipped (weights unchanged).")
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
