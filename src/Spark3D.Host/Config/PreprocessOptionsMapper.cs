using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Host.Config;

/// <summary>
/// Maps <c>spark3d.preprocess</c> and <c>spark3d.data.cache</c> onto <see cref="PreprocessOptions"/>,
/// <see cref="ChunkedVolumeOptions"/> and <see cref="CacheBuildOptions"/> (the library reads no HOCON).
/// </summary>
public static class PreprocessOptionsMapper
{
    /// <summary>Everything a cache build needs; <paramref name="parallelism"/> (e.g. <c>-j</c>) overrides the config when given.</summary>
    public static CacheBuildOptions FromConfig(Akka.Configuration.Config config, int? parallelism = null)
    {
        var p = Section(config, "spark3d.preprocess");
        var c = Section(config, "spark3d.data.cache");
        var options = new CacheBuildOptions(Preprocess(config), Chunks(config), parallelism ?? p.GetInt("parallelism"), c.GetString("manifest"));
        options.Validate();
        return options;
    }

    /// <summary><c>spark3d.preprocess</c> → <see cref="PreprocessOptions"/>.</summary>
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
        return new PreprocessOptions(
            p.GetBoolean("resample") ? new Spacing3(spacing[0], spacing[1], spacing[2]) : null,
            interpolation,
            new ZScoreOptions(mode, p.GetDouble("zscore-min-std")),
            p.GetBoolean("crop-to-nonzero"),
            p.GetBoolean("reorient-to-ras"));
    }

    /// <summary><c>spark3d.data.cache</c> → <see cref="ChunkedVolumeOptions"/>.</summary>
    public static ChunkedVolumeOptions Chunks(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.data.cache");
        var dtype = c.GetString("dtype") switch
        {
            "float32" => CacheDType.Float32,
            "float16" => CacheDType.Float16,
            var v => throw new ArgumentException($"spark3d.data.cache.dtype '{v}' is not float32 or float16."),
        };
        var codec = c.GetString("codec") switch
        {
            "none" => ChunkCodec.None,
            "lz4" => ChunkCodec.Lz4,
            "zstd" => ChunkCodec.Zstd,
            var v => throw new ArgumentException($"spark3d.data.cache.codec '{v}' is not none, lz4 or zstd."),
        };
        var options = new ChunkedVolumeOptions(c.GetInt("chunk-size"), dtype, codec, c.GetInt("compression-level"), c.GetBoolean("shuffle"));
        options.Validate();
        return options;
    }

    internal static Akka.Configuration.Config Section(Akka.Configuration.Config config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.GetConfig(path) ?? throw new InvalidOperationException($"The configuration has no {path} section.");
    }
}
