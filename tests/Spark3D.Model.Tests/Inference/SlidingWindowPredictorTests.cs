using Spark3D.Model.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Inference;

public class SlidingWindowPredictorTests
{
    [Fact]
    public void Window_starts_cover_the_axis_and_touch_both_ends()
    {
        Assert.Equal(new long[] { 0 }, SlidingWindowPredictor.WindowStarts(20, 32, 0.5));
        var s = SlidingWindowPredictor.WindowStarts(100, 32, 0.5);
        Assert.Equal(0, s[0]);
        Assert.Equal(68, s[^1]);
        Assert.All(s.Zip(s.Skip(1)), p => Assert.InRange(p.Second - p.First, 1, 16));
    }

    [Fact]
    public void Pointwise_network_gives_the_same_logits_as_whole_volume_inference()
    {
        // A 1×1×1 conv is translation-equivariant with no context, so tiling must not change anything,
        // including on an axis shorter than the patch (padding) and one that needs uneven windows.
        torch.manual_seed(1);
        using var conv = nn.Conv3d(1, 3, 1);
        using var image = randn(1, 20, 45, 33);
        using var expected = conv.forward(image.unsqueeze(0))[0];
        using var got = SlidingWindowPredictor.Predict(t => conv.forward(t), image, 3, new SlidingWindowOptions([24, 16, 16], 0.5), CPU);
        Assert.Equal(expected.shape, got.shape);
        Assert.True(allclose(expected, got, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Gaussian_map_peaks_at_the_centre_and_has_no_zeros()
    {
        using var g = GaussianImportanceMap.Create([16, 8, 8]);
        Assert.Equal(1f, g.max().item<float>(), 5);
        Assert.True(g.min().item<float>() > 0);
        Assert.True(g[8, 4, 4].item<float>() > g[0, 0, 0].item<float>());
    }
}
