using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Losses;

/// <summary>
/// nnU-Net's deep supervision (<c>nnUNetTrainer._build_loss</c> + <c>DeepSupervisionWrapper</c>, MIC-DKFZ/nnUNet @0e49508):
/// one <see cref="DiceCELoss"/> per decoder output, full resolution first, weighted 1/2^i, the lowest resolution's weight set
/// to 0, the weights normalised to sum 1; outputs of weight 0 are not evaluated. Each output's target is the label map
/// downsampled by nearest-exact sampling (batchgeneratorsv2 <c>DownsampleSegForDSTransform</c>:
/// <c>interpolate(mode='nearest-exact')</c>). forward(outputs, labels B×D×H×W or B×1×D×H×W) → scalar.
/// </summary>
public sealed class DeepSupervisionLoss : Module<Tensor[], Tensor, Tensor>
{
    private readonly DiceCELoss _loss;

    /// <summary>Creates the loss; <paramref name="ignoreLabel"/> marks unannotated voxels at every resolution (nearest-exact
    /// downsampling keeps the value).</summary>
    public DeepSupervisionLoss(long? ignoreLabel = null) : base(nameof(DeepSupervisionLoss)) => _loss = new DiceCELoss(ignoreLabel: ignoreLabel);

    /// <summary>nnU-Net's weights for <paramref name="outputs"/> outputs (full resolution first): 1/2^i, last one 0,
    /// normalised. A single output gets weight 1.</summary>
    public static double[] Weights(int outputs)
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Deep supervision needs at least one output.");
        if (outputs == 1) return [1.0];
        var w = Enumerable.Range(0, outputs).Select(i => 1.0 / (1L << i)).ToArray();
        w[^1] = 0;
        double sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor[] outputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Length == 0) throw new ArgumentException("Deep supervision needs at least one output.", nameof(outputs));
        using var scope = NewDisposeScope();
        var target = labels.ndim == 5 ? labels.squeeze(1) : labels;
        var weights = Weights(outputs.Length);
        Tensor? total = null;
        for (int i = 0; i < outputs.Length; i++)
        {
            if (weights[i] == 0) continue;
            var t = Downsample(target, outputs[i].shape[2..]);
            var term = _loss.forward(outputs[i], t) * weights[i];
            total = total is null ? term : total + term;
        }
        return scope.MoveToOuter(total!);
    }

    /// <summary>Label map B×D×H×W resampled to <paramref name="size"/> (D, H, W) by torch's nearest-exact rule: source
    /// index floor((j + 0.5)·in/out). For a factor-2 downsampling that is every second voxel starting at 1.</summary>
    public static Tensor Downsample(Tensor labels, long[] size)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (labels.ndim != 4 || size.Length != 3) throw new ArgumentException("Expected B×D×H×W labels and a (D, H, W) size.");
        if (labels.shape[1] == size[0] && labels.shape[2] == size[1] && labels.shape[3] == size[2]) return labels.alias();
        using var scope = NewDisposeScope();
        var r = labels;
        for (int a = 0; a < 3; a++)
        {
            long input = labels.shape[a + 1], output = size[a];
            var idx = Enumerable.Range(0, (int)output).Select(j => Math.Min((long)Math.Floor((j + 0.5) * input / output), input - 1)).ToArray();
            r = r.index_select(a + 1, tensor(idx, device: labels.device));
        }
        return scope.MoveToOuter(r);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _loss.Dispose();
        base.Dispose(disposing);
    }
}
