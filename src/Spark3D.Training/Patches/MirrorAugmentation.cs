namespace Spark3D.Training.Patches;

/// <summary>nnU-Net's mirroring augmentation: each spatial axis is flipped with probability 0.5, identically for the
/// image and its label map. Arrays are C-order (D,H,W), index = w + W*(h + H*d).</summary>
public static class MirrorAugmentation
{
    /// <summary>Draws one flip decision per axis (D, H, W order) from <paramref name="rng"/>.</summary>
    public static (bool D, bool H, bool W) Draw(Random rng) => (rng.NextDouble() < 0.5, rng.NextDouble() < 0.5, rng.NextDouble() < 0.5);

    /// <summary>Returns a flipped copy of <paramref name="voxels"/> (or the array itself when no axis flips).</summary>
    public static float[] Apply(float[] voxels, int d, int h, int w, (bool D, bool H, bool W) flips)
    {
        if (!flips.D && !flips.H && !flips.W) return voxels;
        var result = new float[voxels.Length];
        for (int z = 0; z < d; z++)
        {
            int sz = flips.D ? d - 1 - z : z;
            for (int y = 0; y < h; y++)
            {
                int sy = flips.H ? h - 1 - y : y;
                int dst = w * (y + h * z), src = w * (sy + h * sz);
                if (flips.W)
                    for (int x = 0; x < w; x++) result[dst + x] = voxels[src + w - 1 - x];
                else
                    Array.Copy(voxels, src, result, dst, w);
            }
        }
        return result;
    }
}
