using Spark3D.Training.Ports;

namespace Spark3D.Training.Catalogs;

/// <summary>The labelled training cases of a fine-tuning run, sorted by id (a stable order for the resumable cursor).
/// <see cref="VolumeRef.Path"/> is the image; <see cref="LabelPathOf"/> gives the matching label map.</summary>
public sealed class LabelledVolumeCatalog : IVolumeCatalog
{
    private readonly Dictionary<string, string> _labels;

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

    /// <summary>The label map of case <paramref name="id"/>.</summary>
    public string LabelPathOf(string id) =>
        _labels.TryGetValue(id, out var p) ? p : throw new KeyNotFoundException($"No label map for case '{id}'.");
}
