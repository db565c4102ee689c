using Spark3D.Model.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Losses;

public class DiceCELossTests
{
    [Fact]
    public void Matches_cross_entropy_minus_batch_soft_dice_without_background()
    {
        using var gen = new Generator(9);
        using var logits = torch.randn([2, 3, 4, 4, 4], generator: gen);
        using var labels = torch.randint(0, 3, [2, 1, 4, 4, 4], generator: gen);
        using var loss = new DiceCELoss().forward(logits, labels);

        // Straightforward reference computed voxel by voxel.
        var p = torch.softmax(logits, 1).data<float>().ToArray();
        var y = labels.to(ScalarType.Int64).data<long>().ToArray();
        int n = 64;
        double ce = 0;
        var inter = new double[3]; var sp = new double[3]; var sg = new double[3];
        for (int b = 0; b < 2; b++)
            for (int v = 0; v < n; v++)
            {
                long cls = y[b * n + v];
                ce -= Math.Log(p[(b * 3 + cls) * n + v]);
                for (int c = 1; c < 3; c++)
                {
                    double pc = p[(b * 3 + c) * n + v];
                    sp[c] += pc;
                    if (cls == c) { inter[c] += pc; sg[c] += 1; }
                }
            }
        ce /= 2 * n;
        double dice = 0;
        for (int c = 1; c < 3; c++) dice += (2 * inter[c] + 1e-5) / (sp[c] + sg[c] + 1e-5);
        dice /= 2;
        Assert.Equal(ce - dice, loss.item<float>(), 4);
    }

    [Fact]
    public void Perfect_prediction_gives_minus_one_and_labels_of_the_wrong_shape_fail()
    {
        using var labels = torch.randint(0, 2, [1, 4, 4, 4]);
        using var oneHot = nn.functional.one_hot(labels, 2).permute(0, 4, 1, 2, 3).to(ScalarType.Float32);
        using var logits = oneHot * 50;
        using var loss = new DiceCELoss().forward(logits, labels);
        Assert.Equal(-1.0, loss.item<float>(), 3);
        using var bad = torch.zeros([1, 5, 4, 4], ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => new DiceCELoss().forward(logits, bad));
    }
}

public class DiceCELossIgnoreLabelTests
{
    [Fact]
    public void Ignored_voxels_change_neither_term()
    {
        TorchSharp.torch.manual_seed(5);
        var logits = TorchSharp.torch.randn([2, 3, 4, 4, 4]);
        var labels = TorchSharp.torch.randint(0, 3, [2, 4, 4, 4]);
        var ignored = labels.clone();
        ignored[0, 0] = TorchSharp.torch.tensor(7L); // one slab unannotated
        var slab = TorchSharp.torch.zeros([2, 1, 4, 4, 4]);
        slab[0, 0, 0] = TorchSharp.torch.tensor(1f);
        var other = logits + slab * TorchSharp.torch.randn([2, 3, 4, 4, 4]) * 10; // logits change only there
        using var loss = new Spark3D.Model.Losses.DiceCELoss(ignoreLabel: 7);
        double a = loss.forward(logits, ignored).item<float>(), b = loss.forward(other, ignored).item<float>();
        Assert.Equal(a, b, 5);
        // Without the ignore label the same change moves the loss.
        using var plain = new Spark3D.Model.Losses.DiceCELoss();
        Assert.NotEqual(plain.forward(logits, labels).item<float>(), plain.forward(other, labels).item<float>());
        Assert.Throws<ArgumentException>(() => new Spark3D.Model.Losses.DiceCELoss(ignoreLabel: 2).forward(logits, labels));
    }
}
