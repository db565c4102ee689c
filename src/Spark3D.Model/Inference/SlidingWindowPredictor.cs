using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Inference;

/// <summary>Sliding-window settings: patch (D,H,W), overlap fraction between neighbouring windows, Gaussian σ scale.</summary>
public sealed record SlidingWindowOptions(long[] PatchSize, double Overlap = 0.5, double SigmaScale = 0.125)
{
    public void Validate()
    {
        if (PatchSize is not { Length: 3 } || PatchSize.Any(p => p <= 0)) throw new ArgumentException("Patch size must be three positive numbers.");
        if (Overlap is < 0 or >= 1) throw new ArgumentException($"Overlap {Overlap} must be in [0, 1).");
    }
}

/// <summary>
/// Whole-volume inference with a patch-based network, as nnU-Net does it: pad to at least one patch, tile with windows
/// spaced patch·(1−overlap) apart (evenly spread so the last one touches the border), run the network per window, and
/// average the logits weighted by a Gaussian importance map. Returns logits (C×D×H×W) for the unpadded volume, on CPU.
/// </summary>
public static class SlidingWindowPredictor
{
    /// <param name="network">Maps a 1×Cin×d×h×w window to 1×C×d×h×w logits on <paramref name="device"/>.</param>
    /// <param name="image">Cin×D×H×W image (any device).</param>
    public static Tensor Predict(Func<Tensor, Tensor> network, Tensor image, int numClasses, SlidingWindowOptions options, Device device)
    {
        options.Validate();
        if (image.dim() != 4) throw new ArgumentException("Image must be Cin×D×H×W.", nameof(image));
        long[] size = image.shape[1..];
        long[] patch = options.PatchSize;
        using var scope = NewDisposeScope();
        // Pad symmetric-ish with zeros (the z-scored background) up to the patch size on short axes.
        long[] padBefore = new long[3], padded = new long[3];
        for (int a = 0; a < 3; a++)
        {
            long pad = Math.Max(0, patch[a] - size[a]);
            padBefore[a] = pad / 2;
            padded[a] = size[a] + pad;
        }
        var input = nn.functional.pad(image.to(device), [padBefore[2], padded[2] - size[2] - padBefore[2], padBefore[1], padded[1] - size[1] - padBefore[1], padBefore[0], padded[0] - size[0] - padBefore[0]]);
        var weights = GaussianImportanceMap.Create(patch, options.SigmaScale).to(device);
        var logits = zeros([numClasses, padded[0], padded[1], padded[2]], device: device);
        var norm = zeros([padded[0], padded[1], padded[2]], device: device);

        var starts = Enumerable.Range(0, 3).Select(a => WindowStarts(padded[a], patch[a], options.Overlap)).ToArray();
        using (no_grad())
        {
            foreach (long z in starts[0])
                foreach (long y in starts[1])
                    foreach (long x in starts[2])
                    {
                        using var inner = NewDisposeScope();
                        var window = input[.., TensorIndex.Slice(z, z + patch[0]), TensorIndex.Slice(y, y + patch[1]), TensorIndex.Slice(x, x + patch[2])].unsqueeze(0);
                        var output = network(window)[0];
                        if (output.shape[0] != numClasses) throw new InvalidOperationException($"Network produced {output.shape[0]} channels, expected {numClasses}.");
                        logits[.., TensorIndex.Slice(z, z + patch[0]), TensorIndex.Slice(y, y + patch[1]), TensorIndex.Slice(x, x + patch[2])].add_(output * weights);
                        norm[TensorIndex.Slice(z, z + patch[0]), TensorIndex.Slice(y, y + patch[1]), TensorIndex.Slice(x, x + patch[2])].add_(weights);
                    }
        }
        var result = (logits / norm)[.., TensorIndex.Slice(padBefore[0], padBefore[0] + size[0]), TensorIndex.Slice(padBefore[1], padBefore[1] + size[1]), TensorIndex.Slice(padBefore[2], padBefore[2] + size[2])];
        return result.cpu().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Window origins along one axis: ceil((n−p)/(p·(1−overlap)))+1 windows spread evenly from 0 to n−p.</summary>
    public static long[] WindowStarts(long n, long p, double overlap)
    {
        if (n <= p) return [0];
        double step = p * (1 - overlap);
        int count = (int)Math.Ceiling((n - p) / step) + 1;
        double actual = (double)(n - p) / (count - 1);
        return Enumerable.Range(0, count).Select(i => (long)Math.Round(i * actual)).ToArray();
    }
}
