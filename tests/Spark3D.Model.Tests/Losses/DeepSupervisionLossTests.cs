using Spark3D.Model.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Losses;

public class DeepSupervisionLossTests
{
    [Fact]
    public void Weights_are_nnUNets_halving_with_the_lowest_resolution_dropped_and_normalised()
    {
        // nnUNetTrainer._build_loss: [1, 1/2, 1/4, 1/8, 0] / sum.
        var w = DeepSupervisionLoss.Weights(5);
        double sum = 1 + 0.5 + 0.25 + 0.125;
        Assert.Equal([1 / sum, 0.5 / sum, 0.25 / sum, 0.125 / sum, 0], w, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([2 / 3.0, 1 / 3.0, 0], DeepSupervisionLoss.Weights(3), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([1.0], DeepSupervisionLoss.Weights(1));
    }

    [Fact]
    public void Targets_are_downsampled_like_torch_nearest_exact()
    {
        // torch 1.13: interpolate(arange(8), 4, 'nearest-exact') = [1, 3, 5, 7]; arange(6) -> 4 gives [0, 2, 3, 5].
        using var eight = arange(8, ScalarType.Int64).view(1, 8, 1, 1).expand(1, 8, 8, 8).contiguous();
        using var down = DeepSupervisionLoss.Downsample(eight, [4, 4, 4]);
        Assert.Equal([1L, 3, 5, 7], down[0, .., 0, 0].data<long>().ToArray());
        using var six = arange(6, ScalarType.Int64).view(1, 1, 1, 6).expand(1, 2, 2, 6).contiguous();
        using var down6 = DeepSupervisionLoss.Downsample(six, [2, 2, 4]);
        Assert.Equal([0L, 2, 3, 5], down6[0, 0, 0, ..].data<long>().ToArray());
    }

    [Fact]
    public void Loss_is_the_weighted_sum_of_per_resolution_dice_ce()
    {
        using var gen = new Generator(3);
        using var full = randn([2, 3, 8, 8, 8], generator: gen);
        using var half = randn([2, 3, 4, 4, 4], generator: gen);
        using var quarter = randn([2, 3, 2, 2, 2], generator: gen);
        using var labels = randint(0, 3, [2, 8, 8, 8], generator: gen);
        using var ds = new DeepSupervisionLoss();
        using var dice = new DiceCELoss();
        double got = ds.forward([full, half, quarter], labels).item<float>();
        using var halfTarget = DeepSupervisionLoss.Downsample(labels, [4, 4, 4]);
        double expected = 2 / 3.0 * dice.forward(full, labels).item<float>() + 1 / 3.0 * dice.forward(half, halfTarget).item<float>();
        Assert.Equal(expected, got, 5);
        // The lowest resolution does not enter: changing it changes nothing.
        using var other = randn([2, 3, 2, 2, 2], generator: gen) * 10;
        Assert.Equal(got, ds.forward([full, half, other], labels).item<float>(), 6);
    }
}
