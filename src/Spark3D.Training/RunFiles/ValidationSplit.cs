using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Data.Seeding;

namespace Spark3D.Training.RunFiles;

/// <summary>
/// Fine-tuning's train/validation split of the labelled cases, kept in the run directory as <c>splits_final.json</c> in
/// nnU-Net's shape (a list of folds, each <c>{"train": [...], "val": [...]}</c>; Spark3D writes and uses fold 0). A resumed
/// run reads it back, so the split never changes under a run; a file put there before the first run (e.g. nnU-Net's
/// own) is used as given.
/// </summary>
public sealed record ValidationSplit(IReadOnlyList<string> Train, IReadOnlyList<string> Val)
{
    /// <summary>
    /// Holds out round(<paramref name="fraction"/> · n) cases (at least one when <paramref name="fraction"/> &gt; 0 and there
    /// are two or more cases, never all of them), chosen by a seeded shuffle; both lists sorted.
    /// </summary>
    public static ValidationSplit Create(IReadOnlyList<string> caseIds, double fraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        int n = caseIds.Count;
        int val = fraction <= 0 || n < 2 ? 0 : Math.Clamp((int)Math.Round(fraction * n, MidpointRounding.AwayFromZero), 1, n - 1);
        var shuffled = caseIds.Order(StringComparer.Ordinal).ToArray();
        new Random(SeedMixer.Mix(seed, SeedMixer.Validation)).Shuffle(shuffled);
        var valSet = shuffled.Take(val).ToHashSet(StringComparer.Ordinal);
        return new ValidationSplit(
            caseIds.Where(c => !valSet.Contains(c)).Order(StringComparer.Ordinal).ToList(),
            valSet.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Writes the split as a one-fold <c>splits_final.json</c>.</summary>
    public void Write(string path)
    {
        var fold = new JsonObject
        {
            ["train"] = new JsonArray(Train.Select(c => (JsonNode)c).ToArray()),
            ["val"] = new JsonArray(Val.Select(c => (JsonNode)c).ToArray()),
        };
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, new JsonArray(fold).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads fold <paramref name="fold"/> of a <c>splits_final.json</c> and checks it against the data set's cases.</summary>
    /// <exception cref="InvalidDataException">Not that shape, no such fold, a case the data set lacks, or a case in both lists.</exception>
    public static ValidationSplit Read(string path, IReadOnlyCollection<string> caseIds, int fold = 0)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message}).", e);
        }
        if (root is not JsonArray folds || fold >= folds.Count || folds[fold] is not JsonObject f ||
            f["train"] is not JsonArray train || f["val"] is not JsonArray val)
            throw new InvalidDataException($"{path}: expected nnU-Net's splits shape [{{\"train\": [...], \"val\": [...]}}, ...] with fold {fold}.");
        var split = new ValidationSplit(Strings(path, train), Strings(path, val));
        var known = caseIds.ToHashSet(StringComparer.Ordinal);
        var unknown = split.Train.Concat(split.Val).Where(c => !known.Contains(c)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{path}: {unknown.Count} case(s) not in the data set, e.g. '{unknown[0]}'.");
        var both = split.Train.Intersect(split.Val, StringComparer.Ordinal).ToList();
        if (both.Count > 0) throw new InvalidDataException($"{path}: case '{both[0]}' is in both train and val.");
        return split;
    }

    private static List<string> Strings(string path, JsonArray a) =>
        a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new InvalidDataException($"{path}: case ids must be strings."))
            .ToList();
}
