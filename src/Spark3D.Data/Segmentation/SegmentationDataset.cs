using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Data.Segmentation;

/// <summary>
/// A labelled data set on disk, in either layout:
/// <list type="bullet">
/// <item>nnU-Net: <c>dataset.json</c> + <c>imagesTr/CASE_0000.nii.gz</c> + <c>labelsTr/CASE.nii.gz</c> (single channel);</item>
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
        return new SegmentationDataset(Root, Cases, labels, Layout);
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
        string jsonPath = Path.Combine(root, "dataset.json");
        string ending = ".nii.gz";
        var labels = new Dictionary<int, string>();
        if (File.Exists(jsonPath))
        {
            JsonNode? doc;
            try
            {
                doc = JsonNode.Parse(File.ReadAllText(jsonPath));
            }
            catch (JsonException e)
            {
                throw new SegmentationDatasetException(jsonPath, "invalid JSON: " + e.Message);
            }
            ending = doc?["file_ending"]?.GetValue<string>() ?? ending;
            if (doc?["labels"] is JsonObject lab)
                foreach (var (name, value) in lab)
                {
                    // nnU-Net v2 allows region labels as lists; we train on plain integer labels only.
                    if (value is JsonValue v && v.TryGetValue<int>(out int id)) labels[id] = name;
                    else throw new SegmentationDatasetException(jsonPath, $"label '{name}' is not an integer (region-based labels are not supported)");
                }
            if (doc?["channel_names"] is JsonObject ch && ch.Count != 1)
                throw new SegmentationDatasetException(jsonPath, $"{ch.Count} channels; only single-channel data sets are supported");
        }
        string images = Path.Combine(root, "imagesTr");
        string labelsDir = Path.Combine(root, "labelsTr");
        if (!Directory.Exists(images)) throw new SegmentationDatasetException(root, "imagesTr/ is missing");
        var cases = new List<SegmentationCase>();
        foreach (var file in Directory.EnumerateFiles(images, "*" + ending).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file)[..^ending.Length];
            if (!name.EndsWith("_0000", StringComparison.Ordinal)) continue;
            string id = name[..^5];
            string label = Path.Combine(labelsDir, id + ending);
            cases.Add(new SegmentationCase(id, file, File.Exists(label) ? label : null));
        }
        if (cases.Count == 0) throw new SegmentationDatasetException(images, $"no CASE_0000{ending} images found");
        return new SegmentationDataset(root, cases, labels, "nnunet");
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
