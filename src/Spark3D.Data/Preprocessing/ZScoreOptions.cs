namespace Spark3D.Data.Preprocessing;

/// <summary>Which voxels define the mean and standard deviation of a z-score.</summary>
public enum ZScoreMode
{
    /// <summary>Foreground = nonzero voxels; zero (background) voxels stay exactly 0 (nnU-Net's use_mask_for_norm).</summary>
    Nonzero,

    /// <summary>Every voxel is used and every voxel is normalised (nnssl's default on the cropped volume).</summary>
    AllVoxels,
}

/// <summary>Options of <see cref="ZScoreNormalizer"/>.</summary>
/// <param name="Mode">Which voxels give the statistics (default: nonzero foreground).</param>
/// <param name="MinStd">A standard deviation at or below this counts as zero: the volume is only centred (divided by 1).</param>
public sealed record ZScoreOptions(ZScoreMode Mode = ZScoreMode.Nonzero, double MinStd = 1e-8)
{
    public static ZScoreOptions Default { get; } = new();
}
