namespace Spark3D.Training.Ports;

/// <summary>
/// One single-channel float32 training patch, C-order (D,H,W): index = w + W*(h + H*d).
/// <paramref name="Labels"/> carries the matching label map (same layout, integer values) for supervised fine-tuning;
/// it is null for MAE pre-training.
/// </summary>
public sealed record TrainingPatch(float[] Voxels, int D, int H, int W, float[]? Labels = null)
{
    /// <summary>Number of voxels (D*H*W).</summary>
    public int VoxelCount => D * H * W;
}
