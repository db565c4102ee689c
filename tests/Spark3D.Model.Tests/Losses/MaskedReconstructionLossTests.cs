using Spark3D.Model.Losses;
using Spark3D.Model.Mae;
using Spark3D.Model.Tests.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Losses;

public class MaskedReconstructionLossTests
{
    [Fact]
    public void Visible_voxels_neither_change_the_loss_nor_get_gradient()
    {
        using var gen = new Generator(2);
        using var mask = MaeTestData.BlockMask(2, 4, 0.75, gen);
        using var target = torch.randn([2, 1, 16, 16, 16], generator: gen);
        using var full = BlockMaskUpsampler.ToFullResolution(mask, [16, 16, 16]);
        using var rec = torch.randn([2, 1, 16, 16, 16], generator: gen).requires_grad_(true);
        using var loss = new MaskedReconstructionLoss();

        using var l1 = loss.forward(rec, target, mask);
        l1.backward();
        using var grad = rec.grad!;
        using var gradVisible = (grad * full).abs().max();
        using var gradMasked = (grad * (1 - full)).abs().max();
        Assert.Equal(0f, gradVisible.item<float>());
        Assert.True(gradMasked.item<float>() > 0f);

        using var noGrad = torch.no_grad();
        using var changed = rec + 100 * torch.randn([2, 1, 16, 16, 16], generator: gen) * full;
        using var l2 = loss.forward(changed, target, mask);
        Assert.Equal(l1.item<float>(), l2.item<float>());
    }

    [Fact]
    public void Loss_is_the_mean_squared_error_over_all_masked_voxels_of_the_batch()
    {
        using var gen = new Generator(4);
        using var mask = MaeTestData.BlockMask(2, 2, 0.5, gen);
        using var target = torch.zeros([2, 1, 8, 8, 8]);
        using var rec = torch.full([2, 1, 8, 8, 8], 3.0f);
        using var l = new MaskedReconstructionLoss().forward(rec, target, mask);
        Assert.Equal(9f, l.item<float>(), 5);
        using var allVisible = torch.ones([2, 1, 2, 2, 2]);
        using var zero = new MaskedReconstructionLoss().forward(rec, target, allVisible);
        Assert.Equal(0f, zero.item<float>());
    }
}
