namespace Spark3D.Model.Training;

/// <summary>What one optimiser step did.</summary>
/// <param name="Step">The 0-based step index that was executed.</param>
/// <param name="Loss">Loss value before the update.</param>
/// <param name="GradNorm">Global L2 norm of the gradients before clipping.</param>
/// <param name="Lr">Learning rate used (before per-group scaling).</param>
/// <param name="Seconds">Wall-clock time of the step, including the host read of the loss.</param>
public sealed record StepResult(long Step, double Loss, double GradNorm, double Lr, double Seconds);
