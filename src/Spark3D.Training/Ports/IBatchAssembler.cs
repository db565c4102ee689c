using Spark3D.Data.Sampling;

namespace Spark3D.Training.Ports;

/// <summary>Turns a batch's worth of patches into a <see cref="TrainingBatch"/>: for pre-training it draws one mask ratio
/// and a block mask per patch. Called from the single masker actor.</summary>
public interface IBatchAssembler
{
    /// <summary>Builds the batch from <paramref name="patches"/>; all randomness from <paramref name="rng"/>.</summary>
    TrainingBatch Assemble(IReadOnlyList<Patch> patches, Random rng);
}
