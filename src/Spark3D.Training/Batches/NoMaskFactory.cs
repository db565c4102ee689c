using Spark3D.Training.Ports;

namespace Spark3D.Training.Batches;

/// <summary>Fine-tuning needs no masking: assembles the batch with a 1×1×1 all-visible mask per patch and ratio 0.</summary>
public sealed class NoMaskFactory : IMaskFactory
{
    /// <inheritdoc />
    public MaskedBatch Assemble(IReadOnlyList<TrainingPatch> patches, Random rng)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.Count == 0) throw new ArgumentException("A batch needs at least one patch.", nameof(patches));
        var first = patches[0];
        foreach (var p in patches)
        {
            if (p.D != first.D || p.H != first.H || p.W != first.W) throw new ArgumentException("Patches of one batch differ in shape.", nameof(patches));
            if (p.Labels is null) throw new ArgumentException("Fine-tuning patches must carry a label map.", nameof(patches));
        }
        return new MaskedBatch(patches, new bool[patches.Count], 1, 1, 1, 0.0);
    }
}
