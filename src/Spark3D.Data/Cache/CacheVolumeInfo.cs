using System.Text.Json.Nodes;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>
/// The per-volume JSON stored inside each cache file (<see cref="ChunkedVolumeFile.MetadataJson"/>), so the file
/// describes itself without the manifest: id, source path, source content hash, role (image/labels) and the full
/// <see cref="PreprocessRecord"/> (original geometry, RAS+ reorientation, crop box, z-score statistics, final grid).
/// </summary>
public static class CacheVolumeInfo
{
    /// <summary>Builds the JSON text.</summary>
    public static string Create(string id, string sourcePath, string contentHash, string role, PreprocessRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var stats = record.Stats;
        var o = new JsonObject
        {
            ["id"] = id,
            ["role"] = role,
            ["sourcePath"] = sourcePath,
            ["contentHash"] = contentHash,
            ["preprocess"] = new JsonObject
            {
                ["originalShape"] = VolumeJson.Of(record.OriginalShape),
                ["originalSpacing"] = VolumeJson.Of(record.OriginalSpacing),
                ["originalAffine"] = VolumeJson.Of(record.OriginalAffine),
                ["orientation"] = new JsonObject
                {
                    ["sourceAxis"] = new JsonArray(record.Orientation.SourceAxis.Select(a => (JsonNode?)a).ToArray()),
                    ["flip"] = new JsonArray(record.Orientation.Flip.Select(f => (JsonNode?)f).ToArray()),
                },
                ["crop"] = new JsonObject
                {
                    ["offset"] = VolumeJson.Of(record.Crop.Offset),
                    ["size"] = VolumeJson.Of(record.Crop.Size),
                },
                ["zscore"] = stats is null ? null : new JsonObject
                {
                    ["mean"] = Finite(stats.Mean),
                    ["std"] = Finite(stats.Std),
                    ["min"] = Finite(stats.Min),
                    ["max"] = Finite(stats.Max),
                    ["count"] = stats.Count,
                    ["divisor"] = Finite(stats.Divisor),
                },
                ["resampledFrom"] = VolumeJson.Of(record.ResampledFrom),
                ["interpolation"] = record.Interpolation.ToString().ToLowerInvariant(),
                ["shape"] = VolumeJson.Of(record.Shape),
                ["spacing"] = VolumeJson.Of(record.Spacing),
                ["affine"] = VolumeJson.Of(record.Affine),
            },
        };
        return o.ToJsonString();
    }

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? v : null;
}
