using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>Masks a fixed share of cubic blocks per patch, chosen at random (one ratio per batch).</summary>
internal sealed class RandomBlockMaskAssembler(int block, double ratio) : IBatchAssembler
{
    public TrainingBatch Assemble(IReadOnlyList<Patch> patches, Random rng)
    {
        var s = patches[0].Shape;
        var grid = new Shape3(s.X / block, s.Y / block, s.Z / block);
        int cells = (int)grid.Count;
        int masked = (int)Math.Round(cells * ratio);
        var mask = new bool[patches.Count * cells];
        for (int b = 0; b < patches.Count; b++)
        {
            if (patches[b].Shape != s) throw new ArgumentException("Patches of one batch differ in shape.");
            foreach (int c in Enumerable.Range(0, cells).OrderBy(_ => rng.Next()).Take(masked)) mask[b * cells + c] = true;
        }
        return new TrainingBatch(patches, new BatchMask(mask, grid, (double)masked / cells));
    }
}
