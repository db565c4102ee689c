using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Batches;

/// <summary>
/// Pre-training's batches with SparK block masks: one ratio per batch from <see cref="MaskRatioPolicy"/> (fixed or
/// U(min, max)), then a fresh <see cref="BlockMaskGenerator"/> mask per patch with exactly ⌊ratio · cells⌋ masked cells.
/// The grid is patch / block size, X fastest like the patches; true = masked.
/// </summary>
public sealed class MaskedBatchAssembler : IBatchAssembler
{
    private readonly MaskRatioPolicy _policy;
    private readonly BlockMaskGenerator _generator;

    /// <summary>Creates the assembler for patches of <paramref name="patchSize"/> (X, Y, Z); each axis must be a multiple
    /// of the block size.</summary>
    public MaskedBatchAssembler(MaskOptions options, Shape3 patchSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        _policy = new MaskRatioPolicy(options);
        _generator = new BlockMaskGenerator(patchSize, options.BlockSize);
    }

    /// <summary>The mask grid (X, Y, Z).</summary>
    public Shape3 Grid => _generator.Grid;

    /// <inheritdoc />
    public TrainingBatch Assemble(IReadOnlyList<Patch> patches, Random rng)
    {
        ArgumentNullException.ThrowIfNull(patches);
        ArgumentNullException.ThrowIfNull(rng);
        if (patches.Count == 0) throw new ArgumentException("A batch needs at least one patch.", nameof(patches));
        var size = _generator.PatchSize;
        foreach (var p in patches)
            if (p.Shape != size)
                throw new ArgumentException($"Patch {p.Shape} does not match the mask's patch {size}.", nameof(patches));

        double ratio = _policy.NextRatio(rng);
        int cells = (int)Grid.Count;
        var mask = new bool[patches.Count * cells];
        int masked = 0;
        for (int b = 0; b < patches.Count; b++)
        {
            var m = _generator.Generate(rng, ratio);
            masked = m.MaskedCount;
            var dst = mask.AsSpan(b * cells, cells);
            for (int i = 0; i < cells; i++) dst[i] = m.Visible[i] == 0;
        }
        return new TrainingBatch(patches, new BatchMask(mask, Grid, (double)masked / cells));
    }
}
