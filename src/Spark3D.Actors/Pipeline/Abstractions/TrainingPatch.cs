namespace Spark3D.Actors.Pipeline;

/// <summary>One single-channel float32 training patch, C-order (D,H,W): index = w + W*(h + H*d).</summary>
public sealed record TrainingPatch(float[] Voxels, int D, int H, int W)
{
    /// <summary>Number of voxels (D*H*W).</summary>
    public int VoxelCount => D * H * W;
}
