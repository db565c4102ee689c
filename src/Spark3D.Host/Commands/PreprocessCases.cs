using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Microsoft.Extensions.Logging;
using Spark3D.Data.Segmentation;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>
/// What `spark3d preprocess` does so that its cache is what `finetune` would make on the fly: nnU-Net's CASE_000C files
/// become the channels of one case (preprocessed together: one crop box, one grid), and a channel named CT in
/// dataset.json gets nnU-Net's CT normalisation with statistics over the labelled foreground, as `finetune` computes them.
/// </summary>
internal static class PreprocessCases
{
    /// <summary>The sources with their multi-channel cases marked (<see cref="VolumeSourceScanner.GroupChannels"/>):
    /// always on an nnU-Net dataset folder, elsewhere when the channels share a label map.</summary>
    public static IReadOnlyList<VolumeSource> Group(string input, IReadOnlyList<VolumeSource> sources) =>
        VolumeSourceScanner.GroupChannels(sources, Directory.Exists(input) && NnUnetDatasetFolder.Is(Path.GetFullPath(input)));

    /// <summary>
    /// Per channel: CT properties for a channel dataset.json names CT (from the labelled cases, ordered by case id as
    /// `finetune` orders them), else null; empty without a dataset.json (in <paramref name="input"/> or, for imagesTr/,
    /// its parent). A CT channel without label maps is z-scored, with a warning; the statistics are logged as finetune logs them.
    /// </summary>
    public static IReadOnlyList<CtIntensityProperties?> CtStatistics(string input, IReadOnlyList<VolumeSource> sources, bool labelled, ILogger log)
    {
        var json = Directory.Exists(input) ? DatasetJson.FindFor(input) : null;
        if (json is null) return [];
        var result = new List<CtIntensityProperties?>();
        for (int c = 0; c < json.ChannelNames.Count; c++)
        {
            if (!DatasetCtStatistics.IsCt(json.ChannelNames[c]))
            {
                result.Add(null);
                continue;
            }
            if (!labelled)
            {
                log.Warn($"spark3d preprocess: channel {c} is CT in {json.Path}, but CT statistics need the label maps (--labels): it is z-scored, so `finetune` will not use this cache.");
                result.Add(null);
                continue;
            }
            var byCase = sources.GroupBy(CaseOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var cases = byCase
                .Select(g => (Image: g.FirstOrDefault(s => s.Channel == c)?.SourcePath, Labels: g.FirstOrDefault(s => s.Channel == 0)?.LabelPath))
                .Where(k => k.Image is not null && k.Labels is not null)
                .Select(k => (k.Image!, k.Labels!))
                .ToList();
            CtIntensityProperties props;
            int samples;
            try
            {
                (props, samples) = DatasetCtStatistics.Collect(cases, json.IgnoreLabel);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"CT statistics of channel {c} ({json.Path}): {e.Message}", e);
            }
            log.Line("spark3d preprocess: " + DatasetCtStatistics.Describe(c, props, samples, cases.Count));
            result.Add(props);
        }
        return result;
    }

    /// <summary>The case a source belongs to: its multi-channel case, or its id without an nnU-Net channel suffix.</summary>
    private static string CaseOf(VolumeSource s) => s.CaseId ?? VolumeSourceScanner.CaseOf(s.Id);
}
