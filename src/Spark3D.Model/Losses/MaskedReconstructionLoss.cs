using Spark3D.Model.Mae;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Losses;

/// <summary>
/// SparK reconstruction loss (nnssl <c>SparkLoss</c>): mean squared error over masked voxels only, averaged over all
/// masked voxels (and channels) in the batch, against the z-scored input itself (no per-patch target normalisation).
/// forward(reconstruction, target, visibleMask B×1×g×g×g) → scalar. 0 when nothing is masked.
/// </summary>
public sealed class MaskedReconstructionLoss : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss (no parameters).</summary>
    public MaskedReconstructionLoss() : base(nameof(MaskedReconstructionLoss)) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor reconstruction, Tensor target, Tensor visibleMask)
    {
        if (!reconstruction.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"Reconstruction [{string.Join(", ", reconstruction.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape.");
        using var scope = NewDisposeScope();
        var visible = BlockMaskUpsampler.ToFullResolution(visibleMask.to(reconstruction.dtype, reconstruction.device), reconstruction.shape[2..]);
        var masked = 1.0 - visible;
        var squared = (reconstruction - target).square();
        var total = (squared * masked).sum();
        var count = (masked.sum() * reconstruction.shape[1]).clamp_min(1.0);
        return scope.MoveToOuter(total / count);
    }
}
