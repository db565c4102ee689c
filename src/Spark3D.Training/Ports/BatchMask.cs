using Spark3D.Data.Volumes;

namespace Spark3D.Training.Ports;

/// <summary>The block masks of one batch, one mask ratio for all of its patches.</summary>
/// <param name="Cells">Per patch, the grid's cells X fastest (the patch convention, see
/// <see cref="Data.Sampling.Patch"/>), patch after patch; true = masked (hidden from the encoder).</param>
/// <param name="Grid">Blocks along X, Y, Z (the patch size divided by the block size).</param>
/// <param name="Ratio">The fraction of blocks masked in this batch.</param>
public sealed record BatchMask(bool[] Cells, Shape3 Grid, double Ratio)
{
    /// <summary>Cells per patch.</summary>
    public int CellsPerPatch => checked((int)Grid.Count);
}
