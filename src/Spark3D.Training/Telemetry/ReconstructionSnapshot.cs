using System.Globalization;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Telemetry;

/// <summary>Writes <c>reconstructions/step-000500.png</c> for one sample: input, masked input (hidden blocks zeroed, as
/// the encoder sees it) and the MAE's reconstruction, as mid-slices (<see cref="ReconstructionPngRenderer"/>).</summary>
public static class ReconstructionSnapshot
{
    /// <summary>The PNG file name for a step.</summary>
    public static string FileNameFor(long step) => $"step-{step.ToString("D6", CultureInfo.InvariantCulture)}.png";

    /// <summary>Renders sample <paramref name="sample"/> of <paramref name="batch"/> with its reconstruction
    /// (<paramref name="reconstruction"/>, C-order D×H×W) to <paramref name="path"/>.</summary>
    public static void Save(string path, MaskedBatch batch, int sample, float[] reconstruction)
    {
        var p = batch.Patches[sample];
        if (reconstruction.Length != p.VoxelCount)
            throw new ArgumentException($"Reconstruction has {reconstruction.Length} voxels, the patch {p.VoxelCount}.", nameof(reconstruction));
        var masked = Masked(batch, sample);
        // TrainingPatch is C-order (D,H,W) with W fastest; Shape3 stores X fastest, so X=W, Y=H, Z=D.
        ReconstructionPngRenderer.Save(path, new Shape3(p.W, p.H, p.D), p.Voxels, masked, reconstruction);
    }

    /// <summary>The sample's voxels with every masked block set to 0.</summary>
    public static float[] Masked(MaskedBatch batch, int sample)
    {
        var p = batch.Patches[sample];
        int gd = batch.MaskGridD, gh = batch.MaskGridH, gw = batch.MaskGridW, cells = gd * gh * gw;
        int bd = p.D / gd, bh = p.H / gh, bw = p.W / gw;
        var result = (float[])p.Voxels.Clone();
        for (int z = 0; z < p.D; z++)
            for (int y = 0; y < p.H; y++)
                for (int x = 0; x < p.W; x++)
                {
                    int cell = Math.Min(x / bw, gw - 1) + gw * (Math.Min(y / bh, gh - 1) + gh * Math.Min(z / bd, gd - 1));
                    if (batch.Mask[sample * cells + cell]) result[x + p.W * (y + p.H * z)] = 0f;
                }
        return result;
    }
}
