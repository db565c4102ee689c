using Spark3D.Model.Mae;
using static TorchSharp.torch;

namespace Spark3D.Model.Networks;

/// <summary>The visible mask at one feature resolution, computed once per forward.</summary>
internal sealed record ResolutionMask(Tensor Visible, Tensor VisibleBool, Tensor VisibleCount);

/// <summary>
/// Turns the dense encoder into SparK's sparse CNN for one forward pass: holds one precomputed mask per encoder
/// resolution so each conv / pool output is multiplied by it and each InstanceNorm uses visible-voxel statistics.
/// A resolution smaller than the mask grid is dense (no entry). Owns its mask tensors.
/// </summary>
internal sealed class SparseContext : IDisposable
{
    private readonly Dictionary<(long, long, long), ResolutionMask?> masks = new();

    /// <summary>Precomputes masks for the input size and every stage output size of <paramref name="config"/>.</summary>
    public SparseContext(Tensor visibleGridMask, Tensor image, UNetConfig config)
    {
        BlockMaskUpsampler.CheckGridMask(visibleGridMask);
        if (visibleGridMask.shape[0] != image.shape[0])
            throw new ArgumentException($"Visible mask batch {visibleGridMask.shape[0]} differs from image batch {image.shape[0]}.");
        using var grid = visibleGridMask.to(image.dtype, image.device);
        long d = image.shape[2], h = image.shape[3], w = image.shape[4];
        Add(grid, d, h, w);
        foreach (int r in config.ReductionFactors)
        {
            if (d % r != 0 || h % r != 0 || w % r != 0)
                throw new ArgumentException($"Input {d}x{h}x{w} is not divisible by the network's reduction factor {r}.");
            Add(grid, d / r, h / r, w / r);
        }
    }

    private void Add(Tensor grid, long d, long h, long w)
    {
        if (masks.ContainsKey((d, h, w))) return;
        var visible = BlockMaskUpsampler.ToResolution(grid, d, h, w);
        if (visible is null) { masks[(d, h, w)] = null; return; }
        // Counts in fp32 even for a bf16 image: bf16 holds integers exactly only up to 256.
        var count = visible.sum([2, 3, 4], keepdim: true, type: Training.ComputePrecision.Accumulation(visible.dtype)).clamp_min(1.0);
        masks[(d, h, w)] = new ResolutionMask(visible, visible.gt(0.5), count);
    }

    /// <summary>The mask for the spatial size of <paramref name="x"/>, or null where that resolution is dense.</summary>
    public ResolutionMask? For(Tensor x)
    {
        var key = (x.shape[2], x.shape[3], x.shape[4]);
        if (!masks.TryGetValue(key, out var m))
            throw new InvalidOperationException($"No sparse mask precomputed for resolution {key}.");
        return m;
    }

    /// <summary>Zeroes masked positions of <paramref name="x"/> in place (sparse conv / pool output).</summary>
    public Tensor MaskInPlace(Tensor x)
    {
        var m = For(x);
        return m is null ? x : x.mul_(m.Visible);
    }

    public void Dispose()
    {
        foreach (var m in masks.Values)
        {
            if (m is null) continue;
            m.Visible.Dispose(); m.VisibleBool.Dispose(); m.VisibleCount.Dispose();
        }
        masks.Clear();
    }
}
