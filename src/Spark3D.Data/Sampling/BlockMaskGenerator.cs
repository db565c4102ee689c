using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// SparK-style block masks (spec §2.1): the patch is divided into cubic blocks; exactly ⌊ratio · cells⌋ cells are masked,
/// chosen uniformly without replacement by a partial Fisher–Yates shuffle (the equivalent of nnssl's randperm).
/// A new mask per sample; the ratio is shared per batch (see <see cref="MaskRatioPolicy"/>).
/// </summary>
public sealed class BlockMaskGenerator
{
    public BlockMaskGenerator(Shape3 patchSize, int blockSize = 16)
    {
        if (blockSize <= 0) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "Block size must be positive.");
        if (patchSize.X <= 0 || patchSize.Y <= 0 || patchSize.Z <= 0)
            throw new ArgumentException($"Patch size {patchSize} must be positive on every axis.", nameof(patchSize));
        if (patchSize.X % blockSize != 0 || patchSize.Y % blockSize != 0 || patchSize.Z % blockSize != 0)
            throw new ArgumentException(
                $"Patch size {patchSize} is not divisible by the mask block size {blockSize}; choose a patch that is a multiple of it.",
                nameof(patchSize));
        PatchSize = patchSize;
        BlockSize = blockSize;
        Grid = new Shape3(patchSize.X / blockSize, patchSize.Y / blockSize, patchSize.Z / blockSize);
    }

    public Shape3 PatchSize { get; }

    public int BlockSize { get; }

    /// <summary>Mask grid = patch / block size (10³ for 160³ and 16³ blocks).</summary>
    public Shape3 Grid { get; }

    /// <summary>Number of masked cells for a ratio: ⌊ratio · cells⌋ (Python's int(ratio * N)).</summary>
    public int MaskedCountFor(double ratio)
    {
        if (double.IsNaN(ratio) || ratio < 0 || ratio > 1)
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "Mask ratio must be in [0, 1].");
        return (int)Math.Floor(ratio * Grid.Count);
    }

    public BlockMask Generate(Random rng, double ratio)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int masked = MaskedCountFor(ratio);
        int cells = (int)Grid.Count;
        var order = new int[cells];
        for (int i = 0; i < cells; i++) order[i] = i;
        var visible = new byte[cells];
        visible.AsSpan().Fill(1);
        for (int i = 0; i < masked; i++)
        {
            int j = rng.Next(i, cells);
            (order[i], order[j]) = (order[j], order[i]);
            visible[order[i]] = 0;
        }
        return new BlockMask(Grid, visible, masked, ratio);
    }
}
