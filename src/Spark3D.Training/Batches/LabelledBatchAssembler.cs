using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Batches;

/// <summary>Fine-tuning's batches: the labelled patches as they are, no mask.</summary>
public sealed class LabelledBatchAssembler : IBatchAssembler
{
    /// <inheritdoc />
    public TrainingBatch Assemble(IReadOnlyList<Patch> patches, Random rng)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.Count == 0) throw new ArgumentException("A batch needs at least one patch.", nameof(patches));
        var shape = patches[0].Shape;
        foreach (var p in patches)
        {
            if (p.Shape != shape) throw new ArgumentException("Patches of one batch differ in shape.", nameof(patches));
            if (p.Labels is null) throw new ArgumentException("Fine-tuning patches must carry a label map.", nameof(patches));
        }
        return new TrainingBatch(patches);
    }
}
