using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Networks;

/// <summary>
/// InstanceNorm over visible voxels only (SparK's sparse IN), computed with sums (Σm·x / Σm, biased variance) so it
/// never synchronises with the host (no nonzero / item). Masked positions come out exactly 0. A bf16 input is normalised
/// in fp32 and returned as bf16: E[x²] − E[x]² in bf16 would keep only ~3 significant digits of the variance.
/// </summary>
public static class MaskedInstanceNorm
{
    private static readonly long[] SpatialDims = [2, 3, 4];

    /// <summary>
    /// Normalises <paramref name="x"/> (B×C×D×H×W) per sample and channel over voxels where <paramref name="visible"/>
    /// (B×1×D×H×W, {0,1}) is 1, then applies the optional affine <paramref name="weight"/>/<paramref name="bias"/> (C).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor visible, Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        using var count = visible.sum(SpatialDims, keepdim: true, type: Training.ComputePrecision.Accumulation(visible.dtype)).clamp_min(1.0);
        return Apply(x, visible, count, weight, bias, eps);
    }

    internal static Tensor Apply(Tensor x, Tensor visible, Tensor visibleCount, Tensor? weight, Tensor? bias, double eps)
    {
        using var scope = NewDisposeScope();
        var outputType = x.dtype;
        x = Training.ComputePrecision.To(x, Training.ComputePrecision.Accumulation(outputType));
        long c = x.shape[1];
        var xm = x * visible;
        var mean = xm.sum(SpatialDims, keepdim: true).div_(visibleCount);
        var meanSq = xm.square().sum(SpatialDims, keepdim: true).div_(visibleCount);
        var variance = (meanSq - mean.square()).clamp_min(0.0);
        var scale = (variance + eps).rsqrt();
        if (weight is not null) scale = scale * weight.view(1, c, 1, 1, 1);
        var shift = -(mean * scale);
        if (bias is not null) shift = shift + bias.view(1, c, 1, 1, 1);
        var y = torch.addcmul(shift, x, scale, 1.0).mul_(visible);
        return scope.MoveToOuter(Training.ComputePrecision.To(y, outputType));
    }
}
