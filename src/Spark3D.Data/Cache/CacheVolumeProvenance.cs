using System.Text.Json.Nodes;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>
/// What a cache file was made with beyond its own geometry: the preprocessing settings, its channel within a
/// multi-channel case and that channel's normalisation (z-score, or CT with the data set's statistics). Every file
/// records it in its info JSON (<see cref="CacheVolumeInfo"/>), so a reader (<c>finetune --preprocessed</c>) can tell
/// whether the file is what it would make itself from the same source.
/// </summary>
/// <param name="Settings">Geometry and z-score settings (the voxel budget is not recorded: it changes no value).</param>
/// <param name="Channel">This file's input channel c (nnU-Net's CASE_000c).</param>
/// <param name="Channels">Input channels of the case.</param>
/// <param name="Ct">CT normalisation of this channel; null = z-score per image.</param>
public sealed record CacheVolumeProvenance(PreprocessOptions Settings, int Channel = 0, int Channels = 1, CtIntensityProperties? Ct = null)
{
    /// <summary>The settings that change the voxels, as recorded.</summary>
    public JsonObject SettingsJson() => new()
    {
        ["targetSpacing"] = Settings.TargetSpacing is { } t ? VolumeJson.Of(t) : null,
        ["interpolation"] = Settings.ImageInterpolation.ToString().ToLowerInvariant(),
        ["cropToNonzero"] = Settings.CropToNonzero,
        ["reorient"] = Settings.Reorient,
    };

    /// <summary>This channel's normalisation, as recorded: {"scheme":"zscore","mode":…,"minStd":…} or
    /// {"scheme":"ct","mean":…,"std":…,"percentile005":…,"percentile995":…}.</summary>
    public JsonObject NormalizationJson()
    {
        if (Ct is { } ct)
            return new JsonObject
            {
                ["scheme"] = "ct",
                ["mean"] = ct.Mean,
                ["std"] = ct.Std,
                ["percentile005"] = ct.Percentile005,
                ["percentile995"] = ct.Percentile995,
            };
        var z = Settings.ZScore ?? ZScoreOptions.Default;
        return new JsonObject { ["scheme"] = "zscore", ["mode"] = z.Mode.ToString().ToLowerInvariant(), ["minStd"] = z.MinStd };
    }
}
