using Spark3D.Model.Training;

namespace Spark3D.Training.Ports;

/// <summary>What one optimiser step reports.</summary>
/// <param name="Loss">The step's loss (finite; a non-finite loss must be thrown as <see cref="NonFiniteLossException"/>).</param>
/// <param name="LearningRate">The learning rate used for the step.</param>
public sealed record StepOutcome(double Loss, double LearningRate)
{
    /// <summary>The validation the engine ran after this step (fine-tuning with a validation split, every N steps); else null.</summary>
    public ValidationOutcome? Validation { get; init; }
}

/// <summary>One validation of a fine-tuning run (nnU-Net's pseudo-Dice on fixed validation patches).</summary>
/// <param name="PseudoDice">Mean Dice over the foreground classes present (TP, FP, FN summed over all patches).</param>
/// <param name="PseudoDiceEma">Its exponential moving average, which picks checkpoint_best.</param>
/// <param name="PerClass">Dice of each foreground class 1..C-1 (NaN where the class is neither predicted nor present).</param>
/// <param name="IsBest">This validation's moving average is the best so far: checkpoint_best now holds these weights.</param>
/// <param name="Seconds">Wall time of the validation.</param>
public sealed record ValidationOutcome(double PseudoDice, double PseudoDiceEma, IReadOnlyList<double> PerClass, bool IsBest, double Seconds);
