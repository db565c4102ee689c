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
/// With an ignore label (nnU-Net's <c>ignore</c>, the highest label value, not a class of the network) its voxels count
/// for neither term: CE skips them (ignore_index) and the Dice sums are masked, as nnU-Net's loss_mask does.
/// </summary>
public sealed class DiceCELoss : Module<Tensor, Tensor, Tensor>
{
    private static readonly long[] SpatialAndBatch = [0, 2, 3, 4];
    private readonly double smooth;
    private readonly double diceWeight;
    private readonly double ceWeight;
    private readonly long? ignoreLabel;

    /// <summary>Creates the loss with nnU-Net's defaults; <paramref name="ignoreLabel"/> marks unannotated voxels.</summary>
    public DiceCELoss(double smooth = 1e-5, double diceWeight = 1.0, double ceWeight = 1.0, long? ignoreLabel = null) : base(nameof(DiceCELoss))
    {
        this.smooth = smooth;
        this.diceWeight = diceWeight;
        this.ceWeight = ceWeight;
        this.ignoreLabel = ignoreLabel;
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

        Tensor? mask = null;
        Tensor ce;
        if (ignoreLabel is { } ignore)
        {
            if (ignore < classes) throw new ArgumentException($"The ignore label {ignore} must not be one of the {classes} classes.");
            mask = target.ne(ignore);
            // No annotated voxel at all: CE's mean would be 0/0; nnU-Net then drops the CE term.
            ce = mask.any().item<bool>() ? functional.cross_entropy(logits, target, ignore_index: ignore) : zeros([], logits.dtype, logits.device);
            target = where(mask, target, zeros_like(target));
        }
        else
        {
            ce = functional.cross_entropy(logits, target);
        }

        var probs = functional.softmax(logits, 1).narrow(1, 1, classes - 1);
        var oneHot = functional.one_hot(target, classes).permute(0, 4, 1, 2, 3).narrow(1, 1, classes - 1).to(logits.dtype);
        if (mask is not null)
        {
            var m = mask.unsqueeze(1).to(logits.dtype);
            probs = probs * m;
            oneHot = oneHot * m;
        }
        var intersect = (probs * oneHot).sum(SpatialAndBatch);
        var sumPred = probs.sum(SpatialAndBatch);
        var sumGt = oneHot.sum(SpatialAndBatch);
        var dice = ((2.0 * intersect + smooth) / (sumPred + sumGt + smooth).clamp_min(1e-8)).mean();

        var loss = ceWeight * ce - diceWeight * dice;
        return scope.MoveToOuter(loss);
    }
}
