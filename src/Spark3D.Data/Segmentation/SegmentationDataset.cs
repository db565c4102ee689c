using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Data.Segmentation;

/// <summary>
/// A labelled data set on disk, in either layout:
/// <list type="bullet">
/// <item>nnU-Net: <c>dataset.json</c> (<see cref="DatasetJson"/>) + <c>imagesTr/CASE_000C.nii.gz</c> for each channel C +
/// <c>labelsTr/CASE.nii.gz</c>;</item>
/// <item>plain pairs: <c>images/NAME</c> + <c>labels/NAME</c> with the same file names.</item>
/// </list>
/// Label names come from dataset.json's <c>labels</c> ({"background": 0, "x": 1, ...}); plain pairs get "label_N" names
/// from <see cref="SegmentationDataset.WithLabelCount"/>.
/// </summary>
public sealed class SegmentationDataset
{
    private SegmentationDataset(string root, IReadOnlyList<SegmentationCase> cases, IReadOnlyDictionary<int, string> labels, string layout)
    {
        Root = root;
        Cases = cases;
        Labels = labels;
        Layout = layout;
    }

    public string Root { get; }

    public IReadOnlyList<SegmentationCase> Cases { get; }

    /// <summary>Label value → name, background (0) included.</summary>
    public IReadOnlyDictionary<int, string> Labels { get; }

    /// <summary>"nnunet" or "pairs".</summary>
    public string Layout { get; }

    /// <summary>Input channel c's name (dataset.json channel_names; "MRI" where none is given).</summary>
    public IReadOnlyList<string> ChannelNames { get; private init; } = ["MRI"];

    /// <summary>dataset.json's ignore label (unannotated voxels), or null.</summary>
    public int? IgnoreLabel { get; private init; }

    /// <summary>Number of classes including background (max label + 1).</summary>
    public int NumClasses => Labels.Count == 0 ? 2 : Labels.Keys.Max() + 1;

    public static SegmentationDataset Open(string root)
    {
        if (!Directory.Exists(root)) throw new SegmentationDatasetException(root, "folder not found");
        if (File.Exists(Path.Combine(root, "dataset.json")) || Directory.Exists(Path.Combine(root, "imagesTr")))
            return OpenNnUnet(root);
        if (Directory.Exists(Path.Combine(root, "images")) && Directory.Exists(Path.Combine(root, "labels")))
            return OpenPairs(root);
        throw new SegmentationDatasetException(root, "neither an nnU-Net folder (dataset.json, imagesTr/, labelsTr/) nor plain pairs (images/, labels/)");
    }

    /// <summary>A copy with label names label_1..label_{n-1} where dataset.json gave none.</summary>
    public SegmentationDataset WithLabelCount(int numClasses)
    {
        var labels = new Dictionary<int, string>(Labels);
        for (int i = 0; i < numClasses; i++) labels.TryAdd(i, i == 0 ? "background" : $"label_{i}");
        return new SegmentationDataset(Root, Cases, labels, Layout) { ChannelNames = ChannelNames, IgnoreLabel = IgnoreLabel };
    }

    /// <summary>Writes an nnU-Net v2 dataset.json describing a single-channel data set.</summary>
    public static void WriteNnUnetDatasetJson(string root, IReadOnlyDictionary<int, string> labels, int numTraining, string channelName = "MRI", string fileEnding = ".nii.gz") =>
        WriteNnUnetDatasetJson(root, labels, numTraining, [channelName], fileEnding);

    /// <summary>Writes an nnU-Net v2 dataset.json; <paramref name="channelNames"/>[c] names channel c (files CASE_000c).</summary>
    public static void WriteNnUnetDatasetJson(string root, IReadOnlyDictionary<int, string> labels, int numTraining, IReadOnlyList<string> channelNames,
        string fileEnding = ".nii.gz")
    {
        ArgumentNullException.ThrowIfNull(channelNames);
        var json = new JsonObject
        {
            ["channel_names"] = new JsonObject(channelNames.Select((n, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)n))),
            ["labels"] = new JsonObject(labels.OrderBy(l => l.Key).Select(l => KeyValuePair.Create(l.Value, (JsonNode?)l.Key))),
            ["numTraining"] = numTraining,
            ["file_ending"] = fileEnding,
        };
        File.WriteAllText(Path.Combine(root, "dataset.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static SegmentationDataset OpenNnUnet(string root)
    {
        var json = DatasetJson.TryReadFolder(root);
        string ending = json?.FileEnding ?? ".nii.gz";
        string images = Path.Combine(root, "imagesTr");
        string labelsDir = Path.Combine(root, "labelsTr");
        if (!Directory.Exists(images)) throw new SegmentationDatasetException(root, "imagesTr/ is missing");
        // CASE_XXXX<ending>: XXXX is the channel (nnU-Net's naming); every case needs every channel.
        var byCase = new SortedDictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(images, "*" + ending))
        {
            string name = Path.GetFileName(file)[..^ending.Length];
            if (name.Length < 6 || name[^5] != '_' || !int.TryParse(name[^4..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int channel))
                continue;
            string id = name[..^5];
            if (!byCase.TryGetValue(id, out var channels)) byCase[id] = channels = new SortedDictionary<int, string>();
            channels[channel] = file;
        }
        if (byCase.Count == 0) throw new SegmentationDatasetException(images, $"no CASE_0000{ending} images found");
        int count = json?.ChannelNames.Count ?? byCase.Values.Max(c => c.Keys.Max()) + 1;
        var cases = new List<SegmentationCase>();
        foreach (var (id, channels) in byCase)
        {
            for (int c = 0; c < count; c++)
                if (!channels.ContainsKey(c))
                    throw new SegmentationDatasetException(images, $"case '{id}' has no channel {c} ({id}_{c:D4}{ending}); the data set has {count} channel(s)" +
                                                                   (json is null ? " (no dataset.json: counted from the files)" : $" ({json.Path} channel_names)"));
            if (channels.Keys.Max() >= count)
                throw new SegmentationDatasetException(channels[channels.Keys.Max()], $"channel {channels.Keys.Max()} is not in {json?.Path ?? "the data set"}'s {count} channel(s)");
            string label = Path.Combine(labelsDir, id + ending);
            cases.Add(new SegmentationCase(id, channels[0], File.Exists(label) ? label : null) { ChannelPaths = [.. channels.Values] });
        }
        var channelNames = json?.ChannelNames ?? Enumerable.Repeat("MRI", count).ToList();
        return new SegmentationDataset(root, cases, json?.Labels ?? new Dictionary<int, string>(), "nnunet")
        {
            ChannelNames = channelNames,
            IgnoreLabel = json?.IgnoreLabel,
        };
    }

    private static SegmentationDataset OpenPairs(string root)
    {
        string images = Path.Combine(root, "images"), labelsDir = Path.Combine(root, "labels");
        var cases = Directory.EnumerateFiles(images)
            .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                string file = Path.GetFileName(f);
                string label = Path.Combine(labelsDir, file);
                string id = file.EndsWith(".nii.gz", StringComparison.Ordinal) ? file[..^7] : file[..^4];
                return new SegmentationCase(id, f, File.Exists(label) ? label : null);
            }).ToList();
        if (cases.Count == 0) throw new SegmentationDatasetException(images, "no .nii/.nii.gz images found");
        return new SegmentationDataset(root, cases, new Dictionary<int, string>(), "pairs");
    }
}
