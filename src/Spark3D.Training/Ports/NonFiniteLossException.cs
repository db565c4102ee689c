namespace Spark3D.Training.Ports;

/// <summary>Thrown by a trainer engine when a step's loss is NaN or infinite; the trainer is then restarted from the last
/// good checkpoint.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for the step and loss value that were seen.</summary>
    public NonFiniteLossException(long step, double loss) : base($"Non-finite loss {loss} at step {step}.")
    {
        Step = step;
        Loss = loss;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteLossException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public NonFiniteLossException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no details.</summary>
    public NonFiniteLossException() { }

    /// <summary>The step number at which the loss was seen.</summary>
    public long Step { get; }

    /// <summary>The offending loss value.</summary>
    public double Loss { get; }
}
