using Spark3D.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Tests.Networks;

public class MaskedInstanceNormTests
{
    [Fact]
    public void All_visible_equals_InstanceNorm()
    {
        using var x = randn([2, 5, 6, 7, 8]) * 3 + 1;
        using var ones = torch.ones([2, 1, 6, 7, 8]);
        using var w = randn([5]);
        using var b = randn([5]);
        using var expected = functional.instance_norm(x, weight: w, bias: b, eps: 1e-5);
        using var actual = MaskedInstanceNorm.Apply(x, ones, w, b);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Statistics_come_from_visible_voxels_and_masked_voxels_are_zero()
    {
        using var x = randn([2, 3, 8, 8, 8]) + 2;
        using var mask = (rand([2, 1, 8, 8, 8]) > 0.4).to(ScalarType.Float32);
        using var y = MaskedInstanceNorm.Apply(x, mask, null, null);
        using var maskedOut = y * (1 - mask);
        Assert.Equal(0f, maskedOut.abs().max().item<float>());
        for (int bi = 0; bi < 2; bi++)
            for (int c = 0; c < 3; c++)
            {
                using var sel = mask[bi, 0].to(ScalarType.Bool);
                using var vis = x[bi, c][sel];
                using var outVis = y[bi, c][sel];
                double mean = vis.mean().item<float>();
                double var = (vis - mean).square().mean().item<float>();
                using var expected = (vis - mean) / Math.Sqrt(var + 1e-5);
                Assert.True(outVis.allclose(expected, rtol: 1e-3, atol: 1e-4));
            }
    }
}
