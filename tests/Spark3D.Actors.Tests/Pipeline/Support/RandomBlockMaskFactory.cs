using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>Masks a fixed share of cubic blocks per patch, chosen at random (one ratio per batch).</summary>
internal sealed class RandomBlockMaskFactory(int block, double ratio) : IMaskFactory
{
    public MaskedBatch Assemble(IReadOnlyList<TrainingPatch> patches, Random rng)
    {
        var p = patches[0];
        int gd = p.D / block, gh = p.H / block, gw = p.W / block, cells = gd * gh * gw;
        int masked = (int)Math.Round(cells * ratio);
        var mask = new bool[patches.Count * cells];
        for (int b = 0; b < patches.Count; b++)
        {
            if (patches[b].D != p.D || patches[b].H != p.H || patches[b].W != p.W)
                throw new ArgumentException("Patches of one batch differ in shape.");
            foreach (int c in Enumerable.Range(0, cells).OrderBy(_ => rng.Next()).Take(masked)) mask[b * cells + c] = true;
        }
        return new MaskedBatch(patches, mask, gd, gh, gw, (double)masked / cells);
    }
}
