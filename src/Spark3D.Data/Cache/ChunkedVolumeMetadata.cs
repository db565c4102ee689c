using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>The self-describing JSON block of a cache volume file (UTF-8, right after the header).</summary>
internal sealed record ChunkedVolumeMetadata(
    Shape3 Shape, Spacing3 Spacing, Affine Affine, CacheDType DType, int ChunkSize, ChunkCodec Codec, bool Shuffle, string? InfoJson)
{
    public const string FormatName = "spark3d.chunked-volume";

    public int BytesPerVoxel => DType == CacheDType.Float16 ? 2 : 4;

    public byte[] ToUtf8()
    {
        var o = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = ChunkedVolumeHeader.Version,
            ["shape"] = VolumeJson.Of(Shape),
            ["spacing"] = VolumeJson.Of(Spacing),
            ["affine"] = VolumeJson.Of(Affine),
            ["dtype"] = DType == CacheDType.Float16 ? "float16" : "float32",
            ["chunkShape"] = VolumeJson.Of(new Shape3(ChunkSize, ChunkSize, ChunkSize)),
            ["codec"] = Codec.ToString().ToLowerInvariant(),
            ["filter"] = Shuffle ? "shuffle" : "none",
            ["voxelOrder"] = "x-fastest",
            ["info"] = InfoJson is null ? null : JsonNode.Parse(InfoJson),
        };
        return Encoding.UTF8.GetBytes(o.ToJsonString());
    }

    /// <summary>Validates the caller's per-volume info: it must be a JSON value (object, array, string …).</summary>
    public static void CheckInfo(string? infoJson)
    {
        if (infoJson is null) return;
        try { JsonNode.Parse(infoJson); }
        catch (JsonException e) { throw new ArgumentException($"metadataJson is not valid JSON: {e.Message}", nameof(infoJson), e); }
    }

    public static ChunkedVolumeMetadata Parse(string path, ReadOnlySpan<byte> utf8)
    {
        try
        {
            var o = JsonNode.Parse(utf8) as JsonObject ?? throw new FormatException("metadata is not a JSON object");
            if ((string?)o["format"] != FormatName) throw new FormatException($"format is not '{FormatName}'");
            var shape = VolumeJson.ToShape(o["shape"]);
            var chunk = VolumeJson.ToShape(o["chunkShape"]);
            if (shape.X <= 0 || shape.Y <= 0 || shape.Z <= 0 || shape.Count > int.MaxValue)
                throw new FormatException($"shape {shape} is not positive or exceeds {int.MaxValue} voxels");
            if (chunk.X != chunk.Y || chunk.Y != chunk.Z || chunk.X is < 1 or > 1024) throw new FormatException($"bad chunk shape {chunk}");
            var dtype = (string?)o["dtype"] switch
            {
                "float32" => CacheDType.Float32,
                "float16" => CacheDType.Float16,
                var d => throw new FormatException($"unsupported dtype '{d}'"),
            };
            var codec = (string?)o["codec"] switch
            {
                "none" => ChunkCodec.None,
                "lz4" => ChunkCodec.Lz4,
                "zstd" => ChunkCodec.Zstd,
                var c => throw new FormatException($"unsupported codec '{c}'"),
            };
            bool shuffle = (string?)o["filter"] switch
            {
                "none" or null => false,
                "shuffle" when codec != ChunkCodec.None => true,
                var f => throw new FormatException($"unsupported filter '{f}' for codec {codec}"),
            };
            return new ChunkedVolumeMetadata(shape, VolumeJson.ToSpacing(o["spacing"]), VolumeJson.ToAffine(o["affine"]),
                dtype, chunk.X, codec, shuffle, o["info"]?.ToJsonString());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new CacheFormatException(path, $"bad metadata block: {e.Message}", e);
        }
    }
}
