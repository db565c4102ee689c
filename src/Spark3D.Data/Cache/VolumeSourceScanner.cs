using System.Text.Json;

namespace Spark3D.Data.Cache;

/// <summary>
/// Turns the <c>--input</c> of a cache build into a stable list of <see cref="VolumeSource"/>s:
/// a folder is searched recursively for .nii, .nii.gz and .hdr files (ordinal order of relative paths), except an nnU-Net
/// dataset folder (<see cref="NnUnetDatasetFolder"/>), of which only imagesTr/ (and imagesTs/ when asked) holds images;
/// a file is a list: a <c>.jsonl</c> manifest (each line an object with <c>sourcePath</c>, optional <c>id</c> and
/// <c>labelPath</c>) or plain text (one path per line, optionally a tab and a label path; '#' starts a comment).
/// Relative paths in a list are relative to the list's folder. Ids follow <see cref="VolumeIds"/>, the one id rule.
/// </summary>
public static partial class VolumeSourceScanner
{
    /// <summary>The NIfTI files below <paramref name="folder"/> (recursive), ordered by relative path, with their ids.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<VolumeSource> ScanFolder(string folder, bool includeTestImages = false)
    {
        string root = Path.GetFullPath(folder);
        Func<string, bool> accept = NnUnetDatasetFolder.Is(root)
            ? rel => VolumeIds.IsNifti(rel) && NnUnetDatasetFolder.IsImage(rel, includeTestImages)
            : VolumeIds.IsNifti;
        var files = VolumeIds.ListFiles(root, accept);
        return WithIds(files.Select(rel => (rel, Path.Combine(root, rel), (string?)null)));
    }

    /// <exception cref="FileNotFoundException">The input is neither a folder nor a file.</exception>
    /// <exception cref="FormatException">A list line is malformed (names the file and line).</exception>
    public static IReadOnlyList<VolumeSource> Scan(string input, bool includeTestImages = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        string full = Path.GetFullPath(input);
        if (Directory.Exists(full)) return ScanFolder(full, includeTestImages);
        if (File.Exists(full)) return ReadList(full);
        throw new FileNotFoundException($"Input '{input}' is neither a folder nor a list file.", input);
    }

    /// <summary>
    /// Pairs each source with a label map in <paramref name="labelsDir"/>: the file named like the id (same relative
    /// path, any NIfTI extension) or, for nnU-Net images (<c>case_0000</c>), like the id without the channel suffix; ids of
    /// a dataset folder's imagesTr/ (imagesTs/) are also looked up without that folder (labelsTr/ holds CASE.nii.gz).
    /// Sources without a match keep no label map.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<VolumeSource> WithLabels(IReadOnlyList<VolumeSource> sources, string labelsDir)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrEmpty(labelsDir);
        string root = Path.GetFullPath(labelsDir);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Label folder '{labelsDir}' does not exist.");
        return sources.Select(s =>
        {
            string stem = VolumeIds.StripNiftiExtension(s.Id);
            var names = new List<string> { stem };
            if (ChannelSuffix().Match(stem) is { Success: true } m) names.Add(stem[..m.Index]);
            // On a dataset folder ids start with imagesTr/ (or imagesTs/), while labelsTr/ holds the cases themselves.
            foreach (var images in new[] { NnUnetDatasetFolder.TrainingImages + "/", NnUnetDatasetFolder.TestImages + "/" })
                if (stem.StartsWith(images, StringComparison.Ordinal))
                    names.AddRange(names.ToList().Select(n => n[images.Length..]));
            string? label = names.SelectMany(n => VolumeIds.NiftiExtensions.Select(e => Path.Combine(root, n + e))).FirstOrDefault(File.Exists);
            return label is null ? s : s with { LabelPath = label };
        }).ToList();
    }

    /// <summary>
    /// Marks nnU-Net multi-channel cases: files <c>CASE_0000</c> … <c>CASE_000(C-1)</c> (C ≥ 2, every index once, same
    /// folder) become the channels of case <c>CASE</c> when <paramref name="nnUnetNaming"/> is set (the input is an nnU-Net
    /// dataset folder) or when they share one label map (which is then nnU-Net's <c>labelsTr/CASE</c>). Channel 0 keeps
    /// the label map; the others drop it (the case has one). Other sources are returned unchanged, in the same order.
    /// </summary>
    public static IReadOnlyList<VolumeSource> GroupChannels(IReadOnlyList<VolumeSource> sources, bool nnUnetNaming)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var groups = sources
            .Select(s => (Source: s, Match: ChannelSuffix().Match(VolumeIds.StripNiftiExtension(s.Id))))
            .Where(x => x.Match.Success)
            .GroupBy(x => VolumeIds.StripNiftiExtension(x.Source.Id)[..x.Match.Index], StringComparer.Ordinal);
        var byId = new Dictionary<string, VolumeSource>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var channels = g.Select(x => (x.Source, Channel: int.Parse(x.Match.Value.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture))).ToList();
            int count = channels.Count;
            if (count < 2 || channels.Select(c => c.Channel).Distinct().Count() != count || channels.Max(c => c.Channel) != count - 1) continue;
            bool sharedLabel = channels[0].Source.LabelPath is { } label && channels.All(c => c.Source.LabelPath == label);
            if (!nnUnetNaming && !sharedLabel) continue;
            foreach (var (source, channel) in channels)
                byId[source.Id] = source with { CaseId = g.Key, Channel = channel, LabelPath = channel == 0 ? source.LabelPath : null };
        }
        return sources.Select(s => byId.GetValueOrDefault(s.Id, s)).ToList();
    }

    /// <summary>The case an nnU-Net image id names: the id without its NIfTI extension and its <c>_000C</c> channel suffix
    /// (an id without a suffix is its own case).</summary>
    public static string CaseOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string stem = VolumeIds.StripNiftiExtension(id);
        return ChannelSuffix().Match(stem) is { Success: true } m ? stem[..m.Index] : stem;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"_\d{4}$")]
    private static partial System.Text.RegularExpressions.Regex ChannelSuffix();

    private static List<VolumeSource> ReadList(string listFile)
    {
        string dir = Path.GetDirectoryName(listFile)!;
        bool json = listFile.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || listFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        var rows = new List<(string Rel, string Path, string? Label)>();
        var explicitIds = new Dictionary<int, string>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(listFile))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string source;
            string? label = null;
            if (json)
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    var root = doc.RootElement;
                    source = root.TryGetProperty("sourcePath", out var sp) && sp.ValueKind == JsonValueKind.String ? sp.GetString()! :
                        throw new FormatException("no \"sourcePath\" string");
                    if (root.TryGetProperty("labelPath", out var lp) && lp.ValueKind == JsonValueKind.String) label = lp.GetString();
                    if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(id.GetString()))
                        explicitIds[rows.Count] = id.GetString()!;
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    throw new FormatException($"{listFile}: line {lineNo} is not a source entry: {e.Message}", e);
                }
            }
            else
            {
                var parts = line.Split('\t');
                source = parts[0].Trim();
                if (parts.Length > 1 && parts[1].Trim().Length > 0) label = parts[1].Trim();
            }
            string path = Path.GetFullPath(Path.Combine(dir, source));
            string rel = Path.GetRelativePath(dir, path).Replace('\\', '/');
            if (rel.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(rel)) rel = path.TrimStart('/').Replace('\\', '/');
            rows.Add((rel, path, label is null ? null : Path.GetFullPath(Path.Combine(dir, label))));
        }
        var sources = WithIds(rows);
        for (int i = 0; i < sources.Count; i++)
            if (explicitIds.TryGetValue(i, out var id)) sources[i] = sources[i] with { Id = id };
        var dup = sources.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new FormatException($"{listFile}: id '{dup.Key}' is listed more than once.");
        return sources;
    }

    private static List<VolumeSource> WithIds(IEnumerable<(string Rel, string Path, string? Label)> rows)
    {
        var list = rows.ToList();
        var ids = VolumeIds.OfNiftiFiles(list.Select(r => r.Rel).ToList());
        return list.Select((r, i) => new VolumeSource(ids[i], r.Path, r.Label)).ToList();
    }
}
