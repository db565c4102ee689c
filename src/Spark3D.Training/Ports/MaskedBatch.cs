namespace Spark3D.Training.Ports;

/// <summary>A batch ready for the trainer: the patches, the block mask and the mask ratio used for the whole batch.</summary>
/// <param name="Patches">The batch's patches (all the same shape).</param>
/// <param name="Mask">Flattened block mask, [batch][gd][gh][gw] in C order; true = masked (hidden from the encoder).</param>
/// <param name="MaskGridD">Mask grid depth (blocks along D).</param>
/// <param name="MaskGridH">Mask grid height (blocks along H).</param>
/// <param name="MaskGridW">Mask grid width (blocks along W).</param>
/// <param name="MaskRatio">The fraction of blocks masked in this batch (one ratio per batch).</param>
public sealed record MaskedBatch(IReadOnlyList<TrainingPatch> Patches, bool[] Mask, int MaskGridD, int MaskGridH, int MaskGridW, double MaskRatio)
{
    /// <summary>Number of patches in the batch.</summary>
    public int Count => Patches.Count;
}
