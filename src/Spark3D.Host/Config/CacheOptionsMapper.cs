using Spark3D.Data.Cache;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.data.cache</c>: the chunked cache files, their checksums and the manifest's name.</summary>
public static class CacheOptionsMapper
{
    /// <summary>Chunk edge, dtype, codec and compression of the cache files.</summary>
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

    /// <summary>Whether each chunk's checksum is verified on its first read.</summary>
    public static bool VerifyChecksums(Akka.Configuration.Config config) => Section(config, "spark3d.data.cache").GetBoolean("verify-checksums");

    /// <summary>The manifest's file name inside a cache folder.</summary>
    public static string ManifestFileName(Akka.Configuration.Config config) => Section(config, "spark3d.data.cache").GetString("manifest");
}
