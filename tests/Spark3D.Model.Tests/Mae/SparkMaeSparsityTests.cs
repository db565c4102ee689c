using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Mae;

public class SparkMaeSparsityTests
{
    // Grid 4 on 32^3 (8^3 blocks): every tiny stage (32,16,8,4) is sparse. Grid 8 (4^3 blocks): the 4^3 bottleneck is dense.
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Masked_voxels_never_reach_visible_features_and_stay_zero(int grid)
    {
        using var gen = new Generator(7);
        using var mae = SparkMae.FromPreset("tiny");
        using var mask = MaeTestData.BlockMask(2, grid, 0.6, gen);
        using var image = MaeTestData.Phantoms(2, 32, gen);
        using var full = BlockMaskUpsampler.ToFullResolution(mask, [32, 32, 32]);
        using var noise = torch.randn([2, 1, 32, 32, 32], generator: gen) * 10;
        using var changed = image + noise * (1 - full);

        var a = mae.EncodeSparse(image, mask);
        var b = mae.EncodeSparse(changed, mask);
        for (int s = 0; s < a.Length; s++)
        {
            int size = 32 / mae.Network.Config.ReductionFactors[s];
            using var m = BlockMaskUpsampler.ToResolution(mask, size, size, size);
            using var visible = m ?? torch.ones([2, 1, size, size, size]);
            using var diff = (a[s] - b[s]).abs() * visible;
            Assert.Equal(0f, diff.max().item<float>());
            using var nonzeroVisible = (a[s].abs() * visible).sum();
            Assert.True(nonzeroVisible.item<float>() > 0, $"stage {s} visible features are all zero");
            if (m is not null)
            {
                using var atMasked = (a[s].abs() * (1 - m)).max();
                Assert.Equal(0f, atMasked.item<float>());
            }
        }
        foreach (var t in a.Concat(b)) t.Dispose();
    }

    [Fact]
    public void Masked_input_does_not_leak_into_the_reconstruction_either()
    {
        using var gen = new Generator(11);
        using var mae = SparkMae.FromPreset("tiny");
        using var mask = MaeTestData.BlockMask(2, 4, 0.75, gen);
        using var image = MaeTestData.Phantoms(2, 32, gen);
        using var full = BlockMaskUpsampler.ToFullResolution(mask, [32, 32, 32]);
        using var changed = image + torch.randn([2, 1, 32, 32, 32], generator: gen) * (1 - full);
        using var ra = mae.forward(image, mask);
        using var rb = mae.forward(changed, mask);
        Assert.Equal(new long[] { 2, 1, 32, 32, 32 }, ra.shape);
        using var maxDiff = (ra - rb).abs().max();
        Assert.Equal(0f, maxDiff.item<float>());
    }
}
