using Spark3D.Model.Training;

namespace Spark3D.Training.Ports;

/// <summary>What one optimiser step reports.</summary>
/// <param name="Loss">The step's loss (finite; a non-finite loss must be thrown as <see cref="NonFiniteLossException"/>).</param>
/// <param name="LearningRate">The learning rate used for the step.</param>
public sealed record StepOutcome(double Loss, double LearningRate);
