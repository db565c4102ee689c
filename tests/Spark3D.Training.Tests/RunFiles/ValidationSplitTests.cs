using Spark3D.Training.RunFiles;

namespace Spark3D.Training.Tests.RunFiles;

public sealed class ValidationSplitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-split-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string[] Ten = Enumerable.Range(0, 10).Select(i => $"case{i:D2}").ToArray();

    [Fact]
    public void A_fifth_is_held_out_disjointly_and_the_same_seed_gives_the_same_split()
    {
        var a = ValidationSplit.Create(Ten, 0.2, seed: 7);
        Assert.Equal(2, a.Val.Count);
        Assert.Equal(8, a.Train.Count);
        Assert.Empty(a.Train.Intersect(a.Val));
        Assert.Equal(Ten, a.Train.Concat(a.Val).Order(StringComparer.Ordinal));
        Assert.Equal(a, ValidationSplit.Create(Ten.Reverse().ToArray(), 0.2, seed: 7), new SplitComparer());
        // Another seed picks other cases (with 45 possible pairs, these two seeds differ).
        var seeds = Enumerable.Range(0, 5).Select(s => string.Join(",", ValidationSplit.Create(Ten, 0.2, s).Val)).Distinct().Count();
        Assert.True(seeds > 1);
    }

    [Fact]
    public void Small_sets_keep_at_least_one_case_on_each_side_and_fraction_0_holds_out_none()
    {
        Assert.Single(ValidationSplit.Create(["a", "b"], 0.2, 1).Val);
        Assert.Single(ValidationSplit.Create(["a", "b"], 0.9, 1).Train);
        Assert.Empty(ValidationSplit.Create(["a"], 0.5, 1).Val);
        Assert.Empty(ValidationSplit.Create(Ten, 0, 1).Val);
    }

    [Fact]
    public void The_file_has_nnunets_splits_final_shape_and_reads_back()
    {
        var split = ValidationSplit.Create(Ten, 0.3, 3);
        string path = Path.Combine(_dir, RunFileNames.Splits);
        split.Write(path);
        // nnU-Net reads it with json.load: a list of folds, each {"train": [...], "val": [...]}.
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        Assert.Single(node);
        Assert.Equal(split.Val, node[0]!["val"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(split, ValidationSplit.Read(path, Ten), new SplitComparer());
    }

    [Fact]
    public void A_split_naming_an_unknown_case_or_one_in_both_lists_is_refused_with_the_file_name()
    {
        string path = Path.Combine(_dir, "splits_final.json");
        File.WriteAllText(path, """[{"train": ["case00", "nope"], "val": ["case01"]}]""");
        var e = Assert.Throws<InvalidDataException>(() => ValidationSplit.Read(path, Ten));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, """[{"train": ["case00"], "val": ["case00"]}]""");
        Assert.Contains("both", Assert.Throws<InvalidDataException>(() => ValidationSplit.Read(path, Ten)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, """{"train": []}""");
        Assert.Contains("splits shape", Assert.Throws<InvalidDataException>(() => ValidationSplit.Read(path, Ten)).Message, StringComparison.Ordinal);
    }

    private sealed class SplitComparer : IEqualityComparer<ValidationSplit>
    {
        public bool Equals(ValidationSplit? x, ValidationSplit? y) => x!.Train.SequenceEqual(y!.Train) && x.Val.SequenceEqual(y.Val);
        public int GetHashCode(ValidationSplit obj) => 0;
    }
}
