using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Losses;

/// <summary>
/// nnU-Net's segmentation loss (<c>DC_and_CE_loss</c>): cross-entropy + soft Dice, weights 1:1.
/// Soft Dice on softmax probabilities, summed over the batch ("batch dice"), background class excluded, smooth 1e-5:
/// dice = mean over foreground classes of (2·Σp·g + s) / max(Σp + Σg + s, 1e-8). As in nnU-Net the Dice term enters
/// as −dice, so the loss is CE − dice (in [−1, ∞); the constant offset from CE + (1 − dice) does not change gradients).
/// forward(logits B×K×D×H×W, labels B×1×D×H×W or B×D×H×W integer class ids) → scalar.
/// </summary>
public sealed class DiceCELoss : Module<Tensor, Tensor, Tensor>
{
    private static readonly long[] SpatialAndBatch = [0, 2, 3, 4];
    private readonly double smooth;
    private readonly double diceWeight;
    private readonly double ceWeight;

    /// <summary>Creates the loss with nnU-Net's defaults.</summary>
    public DiceCELoss(double smooth = 1e-5, double diceWeight = 1.0, double ceWeight = 1.0) : base(nameof(DiceCELoss))
    {
        this.smooth = smooth;
        this.diceWeight = diceWeight;
        this.ceWeight = ceWeight;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor logits, Tensor labels)
    {
        if (logits.ndim != 5) throw new ArgumentException($"DiceCELoss expects B×K×D×H×W logits, got {logits.ndim} dims.");
        long classes = logits.shape[1];
        if (classes < 2) throw new ArgumentException("DiceCELoss needs at least 2 classes (background + foreground).");
        using var scope = NewDisposeScope();
        var target = (labels.ndim == 5 ? labels.squeeze(1) : labels).to(ScalarType.Int64);
        if (!target.shape.SequenceEqual(logits.shape.Where((_, i) => i != 1)))
            throw new ArgumentException(
                $"Labels [{string.Join(", ", labels.shape)}] do not match logits [{string.Join(", ", logits.shape)}].");

        var ce = functional.cross_entropy(logits, target);

        var probs = functional.softmax(logits, 1).narrow(1, 1, classes - 1);
        var oneHot = functional.one_hot(target, classes).permute(0, 4, 1, 2, 3).narrow(1, 1, classes - 1).to(logits.dtype);
        var intersect = (probs * oneHot).sum(SpatialAndBatch);
        var sumPred = probs.sum(SpatialAndBatch);
        var sumGt = oneHot.sum(SpatialAndBatch);
        var dice = ((2.0 * intersect + smooth) / (sumPred + sumGt + smooth).clamp_min(1e-8)).mean();

        var loss = ceWeight * ce - diceWeight * dice;
        return scope.MoveToOuter(loss);
    }
}
