namespace Spark3D.Training.Ports;

/// <summary>Draws one mask ratio per batch and a block mask per patch, and assembles the batch. Called from the single
/// masker actor.</summary>
public interface IMaskFactory
{
    /// <summary>Builds a masked batch from <paramref name="patches"/>; all randomness from <paramref name="rng"/>.</summary>
    MaskedBatch Assemble(IReadOnlyList<TrainingPatch> patches, Random rng);
}
