using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Batches;

/// <summary>
/// SparK block masks for a batch: one ratio per batch from <see cref="MaskRatioPolicy"/> (fixed or U(min, max)), then a
/// fresh <see cref="BlockMaskGenerator"/> mask per patch with exactly ⌊ratio · cells⌋ masked cells. The grid is
/// patch / block size, laid out [gd][gh][gw] = (Z, Y, X) in C order to match the patches; true = masked.
/// </summary>
public sealed class BlockMaskFactory : IMaskFactory
{
    private readonly MaskRatioPolicy _policy;
    private readonly BlockMaskGenerator _generator;

    /// <summary>Creates the factory for patches of <paramref name="patchSize"/> (X, Y, Z); each axis must be a multiple of
    /// the block size.</summary>
    public BlockMaskFactory(MaskOptions options, Shape3 patchSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        _policy = new MaskRatioPolicy(options);
        _generator = new BlockMaskGenerator(patchSize, options.BlockSize);
    }

    /// <summary>The mask grid (X, Y, Z).</summary>
    public Shape3 Grid => _generator.Grid;

    /// <inheritdoc />
    public MaskedBatch Assemble(IReadOnlyList<TrainingPatch> patches, Random rng)
    {
        ArgumentNullException.ThrowIfNull(patches);
        ArgumentNullException.ThrowIfNull(rng);
        if (patches.Count == 0) throw new ArgumentException("A batch needs at least one patch.", nameof(patches));
        var size = _generator.PatchSize;
        foreach (var p in patches)
            if (p.D != size.Z || p.H != size.Y || p.W != size.X)
                throw new ArgumentException($"Patch D×H×W {p.D}×{p.H}×{p.W} does not match the mask factory's patch (Z×Y×X) {size.Z}×{size.Y}×{size.X}.", nameof(patches));

        double ratio = _policy.NextRatio(rng);
        int cells = (int)Grid.Count;
        var mask = new bool[patches.Count * cells];
        int masked = 0;
        for (int b = 0; b < patches.Count; b++)
        {
            var m = _generator.Generate(rng, ratio);
            masked = m.MaskedCount;
            var dst = mask.AsSpan(b * cells, cells);
            for (int i = 0; i < cells; i++) dst[i] = m.Visible[i] == 0; // X-fastest grid = C-order (gz, gy, gx)
        }
        return new MaskedBatch(patches, mask, Grid.Z, Grid.Y, Grid.X, (double)masked / cells);
    }
}
