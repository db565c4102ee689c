using static TorchSharp.torch;

namespace Spark3D.Model.Inference;

/// <summary>
/// nnU-Net's patch weighting for sliding-window inference: a separable Gaussian centred on the patch (σ = patch·scale,
/// default 1/8), scaled to a maximum of 1, with zeros replaced by the smallest positive value so every voxel counts.
/// Centre predictions are trusted more than border ones, which hides patch seams.
/// </summary>
public static class GaussianImportanceMap
{
    public static Tensor Create(long[] patchSize, double sigmaScale = 0.125)
    {
        if (patchSize.Length != 3) throw new ArgumentException("A 3-D patch size is required.", nameof(patchSize));
        var axes = patchSize.Select(n =>
        {
            double centre = (n - 1) / 2.0, sigma = Math.Max(n * sigmaScale, 1e-6);
            return Enumerable.Range(0, (int)n).Select(i => (float)Math.Exp(-((i - centre) * (i - centre)) / (2 * sigma * sigma))).ToArray();
        }).ToArray();
        using var gz = tensor(axes[0]).view(-1, 1, 1);
        using var gy = tensor(axes[1]).view(1, -1, 1);
        using var gx = tensor(axes[2]).view(1, 1, -1);
        using var g = gz * gy * gx;
        using var scaled = g / g.max();
        float minPositive = scaled[scaled > 0].min().item<float>();
        return scaled.clamp_min(minPositive);
    }
}
