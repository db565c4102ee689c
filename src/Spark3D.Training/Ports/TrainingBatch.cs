using Spark3D.Data.Sampling;

namespace Spark3D.Training.Ports;

/// <summary>A batch ready for the trainer: patches of one shape and, for MAE pre-training, their block masks.</summary>
/// <param name="Patches">The batch's patches (all the same shape).</param>
/// <param name="Mask">The SparK block masks (pre-training); null when nothing is masked (fine-tuning).</param>
public sealed record TrainingBatch(IReadOnlyList<Patch> Patches, BatchMask? Mask = null)
{
    /// <summary>Number of patches in the batch.</summary>
    public int Count => Patches.Count;

    /// <summary>The fraction of blocks masked (0 when the batch has no mask).</summary>
    public double MaskRatio => Mask?.Ratio ?? 0;

    /// <summary>
    /// Gives the patches' arrays back to <see cref="PatchArrayPool.Shared"/> (those it handed out): call once the batch is
    /// trained on and nothing reads it any more (the trainer does, after a successful step).
    /// </summary>
    public void ReturnArrays()
    {
        foreach (var p in Patches)
        {
            PatchArrayPool.Shared.Return(p.Voxels);
            PatchArrayPool.Shared.Return(p.Labels);
        }
    }
}
