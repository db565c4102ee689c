using System.Globalization;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Telemetry;

/// <summary>Writes <c>reconstructions/step-000500.png</c> for one sample: input, masked input (hidden blocks zeroed, as
/// the encoder sees it) and the MAE's reconstruction, as mid-slices (<see cref="ReconstructionPngRenderer"/>).</summary>
public static class ReconstructionSnapshot
{
    /// <summary>The PNG file name for a step.</summary>
    public static string FileNameFor(long step) => $"step-{step.ToString("D6", CultureInfo.InvariantCulture)}.png";

    /// <summary>Renders sample <paramref name="sample"/> of <paramref name="batch"/> with its reconstruction
    /// (<paramref name="reconstruction"/>, laid out like the patch) to <paramref name="path"/>.</summary>
    public static void Save(string path, TrainingBatch batch, int sample, float[] reconstruction)
    {
        var p = batch.Patches[sample];
        if (reconstruction.Length != p.VoxelCount)
            throw new ArgumentException($"Reconstruction has {reconstruction.Length} voxels, the patch {p.VoxelCount}.", nameof(reconstruction));
        var masked = Masked(batch, sample);
        ReconstructionPngRenderer.Save(path, p.Shape, p.Voxels, masked, reconstruction);
    }

    /// <summary>The sample's voxels with every masked block set to 0 (a plain copy when the batch has no mask).</summary>
    public static float[] Masked(TrainingBatch batch, int sample)
    {
        var p = batch.Patches[sample];
        var result = (float[])p.Voxels.Clone();
        if (batch.Mask is not { } mask) return result;
        var (s, g) = (p.Shape, mask.Grid);
        int cells = mask.CellsPerPatch, bx = s.X / g.X, by = s.Y / g.Y, bz = s.Z / g.Z;
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                {
                    long cell = g.Index(Math.Min(x / bx, g.X - 1), Math.Min(y / by, g.Y - 1), Math.Min(z / bz, g.Z - 1));
                    if (mask.Cells[sample * cells + cell]) result[s.Index(x, y, z)] = 0f;
                }
        return result;
    }
}
