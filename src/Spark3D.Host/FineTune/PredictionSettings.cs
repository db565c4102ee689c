namespace Spark3D.Host.FineTune;

/// <summary>How <see cref="SegmentationPredictor"/> runs over a whole image.</summary>
/// <param name="Overlap">Sliding-window overlap in [0, 1).</param>
/// <param name="SigmaScale">Gaussian importance map σ as a fraction of the patch.</param>
/// <param name="TestTimeMirroring">Average each window's logits over all 8 axis-flip combinations (nnU-Net's default).</param>
/// <param name="KeepProbabilities">Return the per-class probabilities on the original grid as well as the labels.</param>
public sealed record PredictionSettings(double Overlap, double SigmaScale = 0.125, bool TestTimeMirroring = false, bool KeepProbabilities = false);

/// <summary>One image's segmentation on its own grid: the label map and, when asked for, one probability map per class
/// (index = label value; they sum to 1 at every voxel).</summary>
public sealed record SegmentationResult(Data.Volumes.Volume Labels, IReadOnlyList<Data.Volumes.Volume>? Probabilities);
