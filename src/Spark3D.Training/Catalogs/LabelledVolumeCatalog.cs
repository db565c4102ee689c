using Spark3D.Data.Cache;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>The labelled training cases of a fine-tuning run, sorted by id (a stable order for the resumable cursor).
/// <see cref="VolumeRef.Path"/> is the image; <see cref="LabelPathOf"/> gives the matching label map.</summary>
public sealed class LabelledVolumeCatalog : IVolumeCatalog
{
    private readonly Dictionary<string, string> _labels;
    private readonly Dictionary<string, IReadOnlyList<string>> _channels = new(StringComparer.Ordinal);

    /// <summary>Creates the catalog of multi-channel cases: <c>ImagePaths[c]</c> is channel c's file (channel 0 is
    /// <see cref="VolumeRef.Path"/>).</summary>
    public LabelledVolumeCatalog(IEnumerable<(string Id, IReadOnlyList<string> ImagePaths, string LabelPath)> cases)
        : this(Materialize(cases, out var channels))
    {
        foreach (var (id, paths) in channels) _channels[id] = paths;
    }

    /// <summary>Creates the catalog; every case needs an image and a label map, ids must be unique.</summary>
    public LabelledVolumeCatalog(IEnumerable<(string Id, string ImagePath, string LabelPath)> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var sorted = cases.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        _labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in sorted)
            if (!_labels.TryAdd(c.Id, c.LabelPath)) throw new ArgumentException($"Duplicate case id '{c.Id}'.", nameof(cases));
        Volumes = sorted.Select(c => new VolumeRef(c.Id, c.ImagePath)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<VolumeRef> Volumes { get; }

    /// <summary>The image file of each channel of case <paramref name="id"/> (one for single-channel cases).</summary>
    public IReadOnlyList<string> ChannelPathsOf(string id) =>
        _channels.TryGetValue(id, out var p) ? p : [Volumes.First(v => v.Id == id).Path];

    /// <summary>Channels per case (1 when built from single images).</summary>
    public int ChannelCount => _channels.Count == 0 ? 1 : _channels.Values.First().Count;

    private static List<(string, string, string)> Materialize(IEnumerable<(string Id, IReadOnlyList<string> ImagePaths, string LabelPath)> cases,
        out Dictionary<string, IReadOnlyList<string>> channels)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var list = cases.ToList();
        if (list.Any(c => c.ImagePaths.Count == 0)) throw new ArgumentException("Every case needs at least one image.", nameof(cases));
        if (list.Select(c => c.ImagePaths.Count).Distinct().Count() > 1) throw new ArgumentException("Cases differ in their number of channels.", nameof(cases));
        channels = list.ToDictionary(c => c.Id, c => c.ImagePaths, StringComparer.Ordinal);
        return list.Select(c => (c.Id, c.ImagePaths[0], c.LabelPath)).ToList();
    }

    /// <summary>Cache files of the cases (from <see cref="PreprocessedCaseIndex.Match"/>, which checked they match the
    /// settings): a case listed here is read from the cache instead of being preprocessed again; null = none.</summary>
    public IReadOnlyDictionary<string, PreprocessedCaseFiles>? Preprocessed { get; init; }

    /// <summary>The cache files of case <paramref name="id"/>, or null when it is preprocessed on the fly.</summary>
    public PreprocessedCaseFiles? PreprocessedOf(string id) => Preprocessed?.GetValueOrDefault(id);

    /// <summary>The label map of case <paramref name="id"/>.</summary>
    public string LabelPathOf(string id) =>
        _labels.TryGetValue(id, out var p) ? p : throw new KeyNotFoundException($"No label map for case '{id}'.");
}
