using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Host.Tests;

/// <summary>`spark3d phantoms` then `spark3d preprocess` end to end through Program.Main.</summary>
[Collection("Console")]
public sealed class PreprocessCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("preprocess-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Preprocess_BuildsTheCache_RecordsBadFiles_AndResumes()
    {
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "cache");
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "3", "--output", input)).Code);
        File.WriteAllBytes(Path.Combine(input, "broken.nii.gz"), [0x1f, 0x8b, 0x08, 0, 1, 2, 3]);

        var (code, text, error) = ConsoleCapture.RunWithError(SmallPhantomArgs.With("preprocess", "--input", input, "--output", output, "-j", "2"));
        Assert.Equal(0, code);
        Assert.Contains("4 volumes: ok 3, failed 1, skipped 0", text, StringComparison.Ordinal);
        Assert.Contains("failed broken:", text, StringComparison.Ordinal);
        // The bad file is an expected, handled failure: one warning line on the console, its stack trace in preprocess.log.
        string warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: failed broken: NiftiFormatException: ", warning, StringComparison.Ordinal);
        string log = File.ReadAllText(Path.Combine(output, "preprocess.log"));
        Assert.Contains(" WARN spark3d.preprocess: failed broken: NiftiFormatException: ", log, StringComparison.Ordinal);
        Assert.Contains("   at Spark3D.Data.", log, StringComparison.Ordinal);
        Assert.Contains(" INFO spark3d.preprocess: preprocess: 4/4 ", log, StringComparison.Ordinal); // progress lines
        Assert.Contains(" INFO spark3d.preprocess: spark3d preprocess: 4 volumes: ok 3, failed 1", log, StringComparison.Ordinal);

        using (var manifest = DatasetManifest.Load(Path.Combine(output, "manifest.jsonl")))
        {
            Assert.Equal(4, manifest.Entries.Count);
            foreach (var e in manifest.Entries.Where(e => e.Status == ManifestStatus.Ok))
            {
                using var f = ChunkedVolumeFile.Open(Path.Combine(output, e.OutputFile!));
                Assert.Equal(e.NewShape, f.Shape);
                Assert.Equal(2.0, f.Spacing.X, 1); // target-spacing override reached the library
            }
            Assert.Equal("broken", manifest.Entries.Single(e => e.Status == ManifestStatus.Failed).Id);
        }

        var (again, text2) = ConsoleCapture.Run(SmallPhantomArgs.With("preprocess", "--input", input, "--output", output));
        Assert.Equal(0, again);
        Assert.Contains("ok 0, failed 1, skipped 3", text2, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_voxel_budget_is_a_failed_entry_naming_the_setting_and_the_run_exits_0()
    {
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "cache");
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "1", "--output", input)).Code);
        var spacing = new Spacing3(120, 120, 120);
        var cube = new Volume(Enumerable.Repeat(100f, 12 * 12 * 12).ToArray(), new Shape3(12, 12, 12), spacing, Affine.FromSpacing(spacing));
        NiftiWriter.Write(Path.Combine(input, "tiny-120mm.nii.gz"), cube, NiftiDataType.UInt8);

        // The default spacing (1 mm), not the small-phantom override: 12³ at 120 mm asks for a 1440³ grid.
        var (code, text) = ConsoleCapture.Run(["preprocess", "--input", input, "--output", output, "-j", "1"]);

        Assert.Equal(0, code);
        Assert.Contains("2 volumes: ok 1, failed 1", text, StringComparison.Ordinal);
        using var manifest = DatasetManifest.Load(Path.Combine(output, "manifest.jsonl"));
        var failed = manifest.Entries.Single(e => e.Status == ManifestStatus.Failed);
        Assert.Equal("tiny-120mm", failed.Id);
        Assert.Contains("VoxelBudgetExceededException", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("2,985,984,000 voxels", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("(spark3d.preprocess.max-volume-voxels)", failed.Reason, StringComparison.Ordinal);

        // The setting reaches the library: raised, the same file fits (1440³ is not built here: a budget below it).
        var (lowered, text2) = ConsoleCapture.Run(["preprocess", "--input", input, "--output", Path.Combine(_dir, "c2"), "-j", "1",
            "-D", "spark3d.preprocess.max-volume-voxels=1000"]);
        Assert.Equal(0, lowered);
        Assert.Contains("ok 0, failed 2", text2, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_FromAnNnUnetPhantomSet_AreCachedOnTheImageGrid()
    {
        string raw = Path.Combine(_dir, "raw"), output = Path.Combine(_dir, "cache");
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "2", "--output", raw, "--labels")).Code);
        var (code, text) = ConsoleCapture.Run(SmallPhantomArgs.With("preprocess", "--input", Path.Combine(raw, "imagesTr"),
            "--output", output, "--labels", Path.Combine(raw, "labelsTr")));
        Assert.Equal(0, code);
        Assert.Contains("ok 2, failed 0", text, StringComparison.Ordinal);
        foreach (var id in new[] { "phantom_000_0000", "phantom_001_0000" })
        {
            using var image = ChunkedVolumeFile.Open(Path.Combine(output, id + ".s3d"));
            using var labels = ChunkedVolumeFile.Open(Path.Combine(output, id + ".labels.s3d"));
            Assert.Equal(image.Shape, labels.Shape);
            var values = labels.ReadAll().Voxels.ToHashSet();
            Assert.Subset(new HashSet<float> { 0, 1, 2, 3, 4 }, values);
            Assert.Contains(3f, values);
            Assert.Contains("labelsTr", labels.MetadataJson, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Timings_PrintsOneJsonLineOfSecondsPerStage_AndOnlyWhenAsked()
    {
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "cache");
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "2", "--output", input)).Code);
        var (code, text) = ConsoleCapture.Run(SmallPhantomArgs.With("preprocess", "--input", input, "--output", output, "--timings"));
        Assert.Equal(0, code);
        string line = text.Split('\n').Single(l => l.StartsWith(Spark3D.Host.Commands.PreprocessCommand.TimingsPrefix, StringComparison.Ordinal));
        using var json = System.Text.Json.JsonDocument.Parse(line[Spark3D.Host.Commands.PreprocessCommand.TimingsPrefix.Length..]);
        var seconds = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["hash", "inflate", "convert", "reorient", "crop", "statistics", "resample", "chunk", "compress", "checksum", "write", "total"],
            seconds.Keys);
        Assert.All(new[] { "inflate", "crop", "statistics", "resample", "write" }, k => Assert.True(seconds[k] > 0, k));
        Assert.Equal(seconds.Where(p => p.Key != "total").Sum(p => p.Value), seconds["total"], 4);

        var (again, plain) = ConsoleCapture.Run(SmallPhantomArgs.With("preprocess", "--input", input, "--output", Path.Combine(_dir, "c2")));
        Assert.Equal(0, again);
        Assert.DoesNotContain("stage seconds", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Timings_WithCluster_ExitsTwoWithOneLine()
    {
        string input = Path.Combine(_dir, "in");
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "1", "--output", input)).Code);
        var (code, _, err) = ConsoleCapture.RunWithError("preprocess", "--input", input, "--output", Path.Combine(_dir, "o"), "--cluster", "--timings");
        Assert.Equal(2, code);
        Assert.Contains("--timings", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void MissingInput_ExitsNonZeroWithOneLine()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("preprocess", "--input", Path.Combine(_dir, "nope"), "--output", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("nope", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void FolderWithoutNifti_ExitsNonZeroWithOneLine()
    {
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "no volumes here");
        var (code, _, err) = ConsoleCapture.RunWithError("preprocess", "--input", _dir, "--output", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("no .nii", err, StringComparison.Ordinal);
    }

    [Fact]
    public void BadConfigValue_ExitsNonZeroWithOneLine()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("preprocess", "--input", _dir, "--output", Path.Combine(_dir, "o"), "-D", "spark3d.data.cache.codec=gzip");
        Assert.Equal(2, code);
        Assert.Contains("codec", err, StringComparison.Ordinal);
    }
}
