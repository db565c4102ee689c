using System.Globalization;
using System.Text.Json.Nodes;
using Spark3D.Host.FineTune;
using Spark3D.Tests.Shared;
using Xunit.Abstractions;

namespace Spark3D.Host.Tests.NnUnet;

/// <summary>`preprocess --labels` on a two-channel (MRI, CT) nnU-Net data set, then `finetune --preprocessed`: the cache
/// is used when it matches (same step-1 loss as preprocessing on the fly) and refused, with the reason, when it does not.</summary>
[Collection("Console")]
public sealed class PreprocessedCacheFineTuneTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-ftcachecli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) FineTune(string data, string run, params string[] extra) =>
        ConsoleCapture.RunWithError([.. MultiChannelFixture.Coarse, "finetune", "--data", data, "--run-dir", Path.Combine(_dir, run),
            "--steps", "1", "--from-scratch", "--preset", "tiny", "--patch", "32", "--batch", "2", "--seed", "5", "--device", "cpu",
            // One preprocessor: the masker batches patches in arrival order, so with two the first batch depends on
            // which case loads first, and the cache loads faster than preprocessing.
            "-D", "spark3d.pipeline.metrics-every=1", "-D", "spark3d.pipeline.preprocessors=1", .. extra]);

    private double FirstLoss(string run) => File.ReadLines(Path.Combine(_dir, run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!)
        .First(j => j["loss"] is not null)["loss"]!.GetValue<double>();

    [Fact]
    public void Finetune_uses_a_matching_cache_and_preprocesses_again_when_the_spacing_differs()
    {
        string data = Path.Combine(_dir, "Dataset004_Cache"), cache = Path.Combine(_dir, "cache");
        NnUnetPhantoms.Write(data, 2, "MRI", "CT");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. MultiChannelFixture.Coarse, "preprocess", "--input", data,
            "--labels", Path.Combine(data, "labelsTr"), "--output", cache]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("channel 1 (CT): clip to", stdout, StringComparison.Ordinal);
        Assert.Contains("ok 4, failed 0", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cache, "imagesTr", "ph1_0000.labels.s3d")));

        var cached = FineTune(data, "cached", "--preprocessed", cache);
        Assert.True(cached.Code == 0, cached.Out + cached.Err);
        Assert.Contains(FineTuneRun.CacheUsedLine + cache + " matches the settings (2 cases, 2 channel(s): MRI (z-score), CT (CT statistics), 4×4×4 mm, label maps)",
            cached.Out, StringComparison.Ordinal);

        var fresh = FineTune(data, "fresh");
        Assert.True(fresh.Code == 0, fresh.Out + fresh.Err);
        Assert.DoesNotContain("preprocessed cache", fresh.Out + fresh.Err, StringComparison.Ordinal);
        double a = FirstLoss("cached"), b = FirstLoss("fresh");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step-1 loss from the cache {a:R}, on the fly {b:R}"));
        Assert.Equal(b, a, 1e-6);

        // Another target spacing: the cache is not what this run would make, so it is preprocessed again (and trains).
        var other = FineTune(data, "other", "-D", "spark3d.preprocess.target-spacing=[5,5,5]", "-D", "spark3d.finetune.preprocessed=" + cache);
        Assert.True(other.Code == 0, other.Out + other.Err);
        Assert.Contains(FineTuneRun.CacheNotUsedLine + cache + ": case ph0: ", other.Out + other.Err, StringComparison.Ordinal);
        Assert.Contains("settings {\"targetSpacing\":[4,4,4]", other.Out + other.Err, StringComparison.Ordinal);
        Assert.Contains("preprocessing the cases on the fly", other.Out + other.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(FineTuneRun.CacheUsedLine, other.Out, StringComparison.Ordinal);

        // A folder that does not exist is a typo, not a mismatch.
        var typo = FineTune(data, "typo", "--preprocessed", cache + "-nope");
        Assert.Equal(2, typo.Code);
        Assert.Contains("--preprocessed " + cache + "-nope: folder not found", typo.Err, StringComparison.Ordinal);
    }
}
