using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Data.Segmentation;

/// <summary>
/// What nnU-Net v2's <c>dataset.json</c> says that we honour: <c>channel_names</c> ({"0": "CT", "1": "T2"}: one input
/// channel each, files CASE_000C), <c>labels</c> ({"background": 0, "tumour": 1, …}) with an optional <c>ignore</c> label
/// (the highest value; voxels that count for neither loss nor evaluation) and <c>file_ending</c>. Region-based labels
/// (a list of values per name) are refused with the key named.
/// </summary>
public sealed class DatasetJson
{
    /// <summary>The file name inside a dataset folder.</summary>
    public const string FileName = "dataset.json";

    /// <summary>The label name nnU-Net reserves for the ignore label.</summary>
    public const string IgnoreName = "ignore";

    private DatasetJson(string path, IReadOnlyList<string> channels, IReadOnlyDictionary<int, string> labels, int? ignore, string fileEnding)
    {
        Path = path;
        ChannelNames = channels;
        Labels = labels;
        IgnoreLabel = ignore;
        FileEnding = fileEnding;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Channel c's name (modality), c = 0..C-1; ["MRI"] when the file has no channel_names.</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>Label value → name, background included, the ignore label not.</summary>
    public IReadOnlyDictionary<int, string> Labels { get; }

    /// <summary>The ignore label's value, or null.</summary>
    public int? IgnoreLabel { get; }

    /// <summary>Image file ending (".nii.gz").</summary>
    public string FileEnding { get; }

    /// <summary>Reads <paramref name="path"/>; <see cref="SegmentationDatasetException"/> names the file and the key.</summary>
    public static DatasetJson Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new SegmentationDatasetException(path, "file not found");
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new SegmentationDatasetException(path, "invalid JSON: " + e.Message);
        }
        if (doc is not JsonObject root) throw new SegmentationDatasetException(path, "not a JSON object");
        string ending = root["file_ending"] is JsonValue fe && fe.TryGetValue<string>(out var e2) ? e2 : ".nii.gz";
        var channels = ReadChannels(path, root);
        var labels = ReadLabels(path, root, out int? ignore);
        return new DatasetJson(path, channels, labels, ignore, ending);
    }

    /// <summary>
    /// The dataset.json that describes <paramref name="folder"/>: its own, else, when the folder is one of a dataset's
    /// subfolders (imagesTr, imagesTs, labelsTr, labelsTs), its parent's; null when there is none. `preprocess --input`
    /// and `evaluate --ref` find it by this one rule.
    /// </summary>
    public static DatasetJson? FindFor(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string dir = System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        if (TryReadFolder(dir) is { } own) return own;
        string? parent = System.IO.Path.GetDirectoryName(dir);
        return parent is not null && System.IO.Path.GetFileName(dir) is "imagesTr" or "imagesTs" or "labelsTr" or "labelsTs"
            ? TryReadFolder(parent)
            : null;
    }

    /// <summary>The dataset.json of a dataset folder, or null when it has none.</summary>
    public static DatasetJson? TryReadFolder(string folder) =>
        File.Exists(System.IO.Path.Combine(folder, FileName)) ? Read(System.IO.Path.Combine(folder, FileName)) : null;

    private static List<string> ReadChannels(string path, JsonObject root)
    {
        // nnU-Net v2 calls them channel_names; v1-style files call them modality.
        var node = root["channel_names"] ?? root["modality"];
        if (node is null) return ["MRI"];
        if (node is not JsonObject channels || channels.Count == 0)
            throw new SegmentationDatasetException(path, "channel_names must be an object {\"0\": \"CT\", …} with at least one channel");
        var names = new string[channels.Count];
        foreach (var (key, value) in channels)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c >= names.Length || names[c] is not null)
                throw new SegmentationDatasetException(path, $"channel_names key '{key}' is not one of 0..{names.Length - 1} (each once)");
            if (value is not JsonValue v || !v.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
                throw new SegmentationDatasetException(path, $"channel_names['{key}'] must be a non-empty string");
            names[c] = name;
        }
        return [.. names];
    }

    private static Dictionary<int, string> ReadLabels(string path, JsonObject root, out int? ignore)
    {
        ignore = null;
        var labels = new Dictionary<int, string>();
        if (root["labels"] is null) return labels;
        if (root["labels"] is not JsonObject lab) throw new SegmentationDatasetException(path, "labels must be an object {\"background\": 0, …}");
        foreach (var (name, value) in lab)
        {
            if (value is JsonArray)
                throw new SegmentationDatasetException(path,
                    $"labels['{name}'] is a region (a list of label values): region-based training is not supported; give each label one integer value");
            if (value is not JsonValue v || !v.TryGetValue<int>(out int id) || id < 0)
                throw new SegmentationDatasetException(path, $"labels['{name}'] must be a non-negative integer");
            if (string.Equals(name, IgnoreName, StringComparison.Ordinal))
            {
                ignore = id;
                continue;
            }
            if (!labels.TryAdd(id, name)) throw new SegmentationDatasetException(path, $"labels['{name}'] repeats value {id} (of '{labels[id]}')");
        }
        if (labels.Count > 0 && !labels.ContainsKey(0)) throw new SegmentationDatasetException(path, "labels has no background (value 0)");
        if (ignore is { } ig)
        {
            if (labels.TryGetValue(ig, out var other)) throw new SegmentationDatasetException(path, $"labels['{IgnoreName}'] = {ig} is also the value of '{other}'");
            // nnU-Net requires the ignore label to be the highest value, so the classes stay 0..K-1.
            if (labels.Count > 0 && ig < labels.Keys.Max())
                throw new SegmentationDatasetException(path, $"labels['{IgnoreName}'] = {ig} must be the highest label value (nnU-Net's rule)");
        }
        return labels;
    }
}
