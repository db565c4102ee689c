using System.Text.Json.Nodes;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>
/// The per-volume JSON stored inside each cache file (<see cref="ChunkedVolumeFile.MetadataJson"/>), so the file
/// describes itself without the manifest: id, source path, source content hash, role (image/labels) and the full
/// <see cref="PreprocessRecord"/> (original geometry, RAS+ reorientation, crop box, z-score statistics, final grid); since
/// info version 2 also the <see cref="CacheVolumeProvenance"/> (settings, channel, normalisation) that
/// <see cref="Mismatch"/> checks.
/// </summary>
public static class CacheVolumeInfo
{
    /// <summary>The info layout written now: 2 adds infoVersion, settings, channel, channels, normalization and (label
    /// files) labelContentHash to version 1's fields.</summary>
    public const int InfoVersion = 2;

    /// <summary>Role of an image channel file.</summary>
    public const string ImageRole = "image";

    /// <summary>Role of a label-map file.</summary>
    public const string LabelsRole = "labels";

    /// <summary>Builds the JSON text. For a label file, <paramref name="contentHash"/> is its image's (the resume key) and
    /// <paramref name="labelContentHash"/> the label map's own.</summary>
    public static string Create(string id, string sourcePath, string contentHash, string role, PreprocessRecord record,
        CacheVolumeProvenance provenance, string? labelContentHash = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(provenance);
        var stats = record.Stats;
        var o = new JsonObject
        {
            ["infoVersion"] = InfoVersion,
            ["id"] = id,
            ["role"] = role,
            ["sourcePath"] = sourcePath,
            ["contentHash"] = contentHash,
            ["labelContentHash"] = labelContentHash,
            ["channel"] = provenance.Channel,
            ["channels"] = provenance.Channels,
            ["settings"] = provenance.SettingsJson(),
            ["normalization"] = role == LabelsRole ? null : provenance.NormalizationJson(),
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

    /// <summary>
    /// Why the file with info <paramref name="infoJson"/> is not what <paramref name="expected"/> would make for
    /// <paramref name="role"/> from <paramref name="sourcePath"/>, in a few words naming the field and both values; null
    /// when it is. CT statistics compare to a relative 1e-9 (the same samples give the same doubles; JSON keeps them).
    /// </summary>
    public static string? Mismatch(string? infoJson, string role, string sourcePath, CacheVolumeProvenance expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        JsonObject? info;
        try
        {
            info = infoJson is null ? null : JsonNode.Parse(infoJson) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            info = null;
        }
        if (info is null) return "no readable info JSON";
        int version = info["infoVersion"] is JsonValue v && v.TryGetValue<int>(out int iv) ? iv : 1;
        if (version != InfoVersion) return $"info version {version}, this build writes {InfoVersion} (settings were not recorded)";
        if (info["role"]?.GetValue<string>() != role) return $"role {info["role"]}, expected {role}";
        string recorded = info["sourcePath"]?.GetValue<string>() ?? "";
        if (!string.Equals(Path.GetFullPath(recorded), Path.GetFullPath(sourcePath), StringComparison.Ordinal))
            return $"made from {recorded}, expected {sourcePath}";
        if (info["channels"]?.GetValue<int>() != expected.Channels) return $"{info["channels"]} channel(s), the data set has {expected.Channels}";
        if (info["channel"]?.GetValue<int>() != expected.Channel) return $"channel {info["channel"]}, expected {expected.Channel}";
        var settings = expected.SettingsJson();
        if (!JsonNode.DeepEquals(info["settings"], settings)) return $"settings {info["settings"]?.ToJsonString()}, this run {settings.ToJsonString()}";
        if (role == LabelsRole) return null;
        var norm = expected.NormalizationJson();
        if (!SameNormalization(info["normalization"] as JsonObject, norm))
            return $"channel {expected.Channel} normalisation {info["normalization"]?.ToJsonString()}, this run {norm.ToJsonString()}";
        return null;
    }

    /// <summary>The label map's own content hash recorded in a label file's info (null before info version 2).</summary>
    public static string? LabelContentHash(string? infoJson) =>
        infoJson is null ? null : (JsonNode.Parse(infoJson) as JsonObject)?["labelContentHash"]?.GetValue<string>();

    private static bool SameNormalization(JsonObject? recorded, JsonObject expected)
    {
        if (recorded is null || recorded["scheme"]?.GetValue<string>() != expected["scheme"]!.GetValue<string>()) return false;
        foreach (var (key, value) in expected)
        {
            if (value is JsonValue ev && ev.TryGetValue<double>(out double e))
            {
                if (recorded[key] is not JsonValue rv || !rv.TryGetValue<double>(out double r)) return false;
                if (Math.Abs(r - e) > 1e-9 * Math.Max(1, Math.Abs(e))) return false;
            }
            else if (!JsonNode.DeepEquals(recorded[key], value)) return false;
        }
        return true;
    }

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? v : null;
}
