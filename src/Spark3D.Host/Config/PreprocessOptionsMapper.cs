using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.preprocess</c> onto <see cref="PreprocessOptions"/>, and with <c>spark3d.data.cache</c>
/// (<see cref="CacheOptionsMapper"/>) onto a cache build's <see cref="CacheBuildOptions"/>.</summary>
public static class PreprocessOptionsMapper
{
    /// <summary>Everything a cache build needs; <paramref name="parallelism"/> (e.g. <c>-j</c>) overrides the config when given.</summary>
    public static CacheBuildOptions FromConfig(Akka.Configuration.Config config, int? parallelism = null)
    {
        var options = new CacheBuildOptions(Preprocess(config), CacheOptionsMapper.Chunks(config), parallelism ?? Parallelism(config),
            CacheOptionsMapper.ManifestFileName(config));
        options.Validate();
        return options;
    }

    /// <summary>Reorientation, crop, z-score and resampling: the same for the cache, raw-data pre-training, fine-tuning
    /// and prediction.</summary>
    public static PreprocessOptions Preprocess(Akka.Configuration.Config config)
    {
        var p = Section(config, "spark3d.preprocess");
        var spacing = p.GetDoubleList("target-spacing");
        if (spacing.Count != 3 || spacing.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ArgumentException($"spark3d.preprocess.target-spacing must be three positive numbers (got [{string.Join(", ", spacing)}]).");
        var interpolation = p.GetString("image-interpolation") switch
        {
            "trilinear" => Interpolation.Trilinear,
            "cubic-bspline" => Interpolation.CubicBSpline,
            "nearest" => Interpolation.Nearest,
            var v => throw new ArgumentException($"spark3d.preprocess.image-interpolation '{v}' is not trilinear, cubic-bspline or nearest."),
        };
        var mode = p.GetString("zscore-mode") switch
        {
            "nonzero" => ZScoreMode.Nonzero,
            "all-voxels" => ZScoreMode.AllVoxels,
            var v => throw new ArgumentException($"spark3d.preprocess.zscore-mode '{v}' is not nonzero or all-voxels."),
        };
        new VoxelBudget(p.GetLong("max-volume-voxels")).Validate();
        return new PreprocessOptions(
            p.GetBoolean("resample") ? new Spacing3(spacing[0], spacing[1], spacing[2]) : null,
            interpolation,
            new ZScoreOptions(mode, p.GetDouble("zscore-min-std")),
            p.GetBoolean("crop-to-nonzero"),
            p.GetBoolean("reorient-to-ras"),
            p.GetLong("max-volume-voxels"));
    }

    /// <summary><c>spark3d.preprocess.parallelism</c>: volumes (or phantoms) made at once; 0 = one per core.</summary>
    public static int Parallelism(Akka.Configuration.Config config) => Section(config, "spark3d.preprocess").GetInt("parallelism");
}
