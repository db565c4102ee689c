using Spark3D.Model.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Inference;

public class TestTimeMirroringTests
{
    [Fact]
    public void Averages_the_logits_of_all_eight_flips_each_flipped_back()
    {
        using var gen = new Generator(4);
        using var conv = nn.Conv3d(1, 2, 3, padding: 1); // an asymmetric kernel: not flip-equivariant by itself
        using var x = randn([1, 1, 6, 5, 4], generator: gen);
        using var noGrad = no_grad();
        Func<Tensor, Tensor> f = t => conv.forward(t);
        using var got = TestTimeMirroring.Wrap(f)(x);
        using var expected = f(x).clone();
        foreach (var axes in new long[][] { [2], [3], [4], [2, 3], [2, 4], [3, 4], [2, 3, 4] })
            expected.add_(f(x.flip(axes)).flip(axes));
        expected.div_(8);
        Assert.True(allclose(expected, got, 1e-5, 1e-6));
        Assert.False(allclose(f(x), got, 1e-3, 1e-3)); // mirroring changed the prediction
    }

    [Fact]
    public void The_mirrored_predictor_commutes_with_every_flip()
    {
        using var gen = new Generator(5);
        using var conv = nn.Conv3d(1, 3, 3, padding: 1);
        using var x = randn([1, 1, 6, 6, 6], generator: gen);
        using var noGrad = no_grad();
        var tta = TestTimeMirroring.Wrap(t => conv.forward(t));
        using var plain = tta(x);
        foreach (var axes in TestTimeMirroring.AxisCombinations)
        {
            using var flipped = tta(x.flip(axes)).flip(axes);
            Assert.True(allclose(plain, flipped, 1e-5, 1e-6), $"axes [{string.Join(",", axes)}]");
        }
    }
}
