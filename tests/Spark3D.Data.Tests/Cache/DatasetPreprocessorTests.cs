using System.Text.Json;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

/// <summary>The offline cache build over a folder of small phantoms plus broken files.</summary>
public sealed class DatasetPreprocessorTests : IDisposable
{
    /// <summary>About 48³ voxels per phantom (96 mm field of view at 2–3 mm).</summary>
    internal static readonly PhantomOptions SmallPhantoms = new()
    {
        FieldOfViewMm = 96, HeadLengthMinMm = 70, HeadLengthMaxMm = 85, MinSpacingMm = 2, MaxSpacingMm = 3, Seed = 7,
    };

    private static readonly CacheBuildOptions Options = new(
        new PreprocessOptions(new Spacing3(2, 2, 2)), new ChunkedVolumeOptions(ChunkSize: 16), MaxParallelism: 2);

    private readonly TempDirectory _tmp = new();
    private readonly string _input;
    private readonly string _output;

    public DatasetPreprocessorTests()
    {
        _input = _tmp.File("in");
        _output = _tmp.File("out");
        Directory.CreateDirectory(Path.Combine(_input, "sub"));
        var gen = new BrainPhantomGenerator(SmallPhantoms);
        for (int i = 0; i < 4; i++)
        {
            string dir = i < 3 ? _input : Path.Combine(_input, "sub");
            NiftiWriter.Write(Path.Combine(dir, $"p{i}.nii.gz"), gen.Generate(i).Image);
        }
        File.WriteAllBytes(Path.Combine(_input, "zero.nii"), []);
        byte[] good = File.ReadAllBytes(Path.Combine(_input, "p0.nii.gz"));
        File.WriteAllBytes(Path.Combine(_input, "truncated.nii.gz"), good[..(good.Length / 3)]);
        NiftiWriter.Write(Path.Combine(_input, "magic.nii"), gen.Generate(9).Image);
        using (var fs = new FileStream(Path.Combine(_input, "magic.nii"), FileMode.Open)) { fs.Position = 344; fs.Write("xx1\0"u8); }
        File.WriteAllText(Path.Combine(_input, "notes.txt"), "not a volume");
    }

    public void Dispose() => _tmp.Dispose();

    private static readonly string[] GoodIds = ["p0", "p1", "p2", "sub/p3"];
    private static readonly string[] BadIds = ["magic", "truncated", "zero"];

    [Fact]
    public void Scanner_FindsNiftiRecursively_InOrdinalOrder()
    {
        var sources = VolumeSourceScanner.Scan(_input);
        Assert.Equal(["magic", "p0", "p1", "p2", "sub/p3", "truncated", "zero"], sources.Select(s => s.Id));
        Assert.All(sources, s => Assert.True(File.Exists(s.SourcePath)));
    }

    [Fact]
    public void Scanner_ReadsAListFile_WithRelativePathsAndLabels()
    {
        string list = _tmp.File("list.txt");
        File.WriteAllLines(list, ["# two volumes", "in/p1.nii.gz\tin/p0.nii.gz", "", "in/sub/p3.nii.gz"]);
        var sources = VolumeSourceScanner.Scan(list);
        Assert.Equal(["in/p1", "in/sub/p3"], sources.Select(s => s.Id));
        Assert.Equal(Path.Combine(_input, "p0.nii.gz"), sources[0].LabelPath);
        Assert.Null(sources[1].LabelPath);
        Assert.Throws<FileNotFoundException>(() => VolumeSourceScanner.Scan(_tmp.File("missing")));
    }

    [Fact]
    public void Folder_WithBadFiles_RecordsOkAndFailedEntries_AndOutputsReadBack()
    {
        var summary = new DatasetPreprocessor(Options).Run(_input, _output);

        Assert.Equal((7, 4, 3, 0), (summary.Total, summary.Ok, summary.Failed, summary.Skipped));
        var lines = File.ReadAllLines(Path.Combine(_output, "manifest.jsonl"));
        Assert.Equal(7, lines.Length);
        using var manifest = DatasetManifest.Load(Path.Combine(_output, "manifest.jsonl"));
        var byId = manifest.LatestById;
        Assert.Equal(GoodIds.Concat(BadIds).Order(StringComparer.Ordinal), byId.Keys.Order(StringComparer.Ordinal));
        foreach (var id in BadIds)
        {
            var e = byId[id];
            Assert.Equal(ManifestStatus.Failed, e.Status);
            Assert.Contains("NiftiFormatException", e.Reason, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(e.SourcePath), e.Reason, StringComparison.Ordinal);
            Assert.Null(e.OutputFile);
        }
        foreach (var id in GoodIds)
        {
            var e = byId[id];
            Assert.Equal(ManifestStatus.Ok, e.Status);
            Assert.Equal(ContentHasher.HashFile(e.SourcePath), e.ContentHash);
            var source = NiftiReader.Read(e.SourcePath).Volume;
            Assert.Equal(source.Shape, e.OriginalShape);
            Assert.Equal(source.Affine, e.OriginalAffine);
            var (expected, record) = new VolumePreprocessor(Options.Preprocess).Process(source);
            using var f = ChunkedVolumeFile.Open(Path.Combine(_output, e.OutputFile!));
            Assert.Equal(expected.Shape, f.Shape);
            Assert.Equal(expected.Shape, e.NewShape);
            Assert.Equal(expected.Voxels, f.ReadAll().Voxels);
            Assert.InRange(e.Stats!.Std, 0.5, 1.5); // z-scored foreground with a zero background
            using var info = JsonDocument.Parse(f.MetadataJson!);
            Assert.Equal(e.ContentHash, info.RootElement.GetProperty("contentHash").GetString());
            Assert.Equal(e.SourcePath, info.RootElement.GetProperty("sourcePath").GetString());
            Assert.Equal(record.Stats!.Mean, info.RootElement.GetProperty("preprocess").GetProperty("zscore").GetProperty("mean").GetDouble(), 9);
        }
        Assert.True(File.Exists(Path.Combine(_output, "sub", "p3.s3d")));
        Assert.Empty(Directory.EnumerateFiles(_output, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Rerun_SkipsDoneVolumes_RetriesFailures_AndRebuildsDeletedOrChangedOnes()
    {
        var first = new DatasetPreprocessor(Options).Run(_input, _output);
        Assert.Equal(4, first.Ok);
        string p1 = Path.Combine(_output, "p1.s3d");
        var p1Time = File.GetLastWriteTimeUtc(p1);

        var second = new DatasetPreprocessor(Options).Run(_input, _output);
        Assert.Equal((0, 3, 4), (second.Ok, second.Failed, second.Skipped));
        Assert.Equal(p1Time, File.GetLastWriteTimeUtc(p1));

        File.Delete(Path.Combine(_output, "p2.s3d"));
        File.WriteAllText(Path.Combine(_output, "sub", ".p3.s3d.0123abcd.tmp"), "half-written by a killed run");
        NiftiWriter.Write(Path.Combine(_input, "p0.nii.gz"), new BrainPhantomGenerator(SmallPhantoms).Generate(20).Image);
        var third = new DatasetPreprocessor(Options).Run(_input, _output);
        Assert.Equal((2, 3, 2), (third.Ok, third.Failed, third.Skipped));
        Assert.True(File.Exists(Path.Combine(_output, "p2.s3d")));
        Assert.Empty(Directory.EnumerateFiles(_output, "*.tmp", SearchOption.AllDirectories));

        // Compacted: still one line per input, and the changed source's new hash is the one recorded.
        Assert.Equal(7, File.ReadAllLines(Path.Combine(_output, "manifest.jsonl")).Length);
        using var manifest = DatasetManifest.Load(Path.Combine(_output, "manifest.jsonl"));
        Assert.Equal(ContentHasher.HashFile(Path.Combine(_input, "p0.nii.gz")), manifest.LatestById["p0"].ContentHash);
    }

    [Fact]
    public void Summary_TimesEveryStage_AndASkippingRerunOnlyHashes()
    {
        var first = new DatasetPreprocessor(Options).Run(_input, _output).Timings!;
        foreach (var stage in new[] { PreprocessStage.Hash, PreprocessStage.Inflate, PreprocessStage.Reorient, PreprocessStage.Crop,
                     PreprocessStage.Statistics, PreprocessStage.Resample, PreprocessStage.Write })
            Assert.True(first[stage] > TimeSpan.Zero, $"{stage} not timed");
        Assert.True(first[PreprocessStage.Chunk] + first[PreprocessStage.Compress] + first[PreprocessStage.Checksum] > TimeSpan.Zero);
        Assert.Equal(StageTimings.Stages.Aggregate(TimeSpan.Zero, (t, s) => t + first[s]), first.Total);

        var rerun = new DatasetPreprocessor(Options).Run(_input, _output);
        Assert.Equal(4, rerun.Skipped);
        var t = rerun.Timings!;
        Assert.True(t[PreprocessStage.Hash] > TimeSpan.Zero);
        // Only the three bad files are read again (and fail while reading): nothing is resampled or written.
        Assert.Equal(TimeSpan.Zero, t[PreprocessStage.Resample]);
        Assert.Equal(TimeSpan.Zero, t[PreprocessStage.Write]);
    }

    [Fact]
    public void Progress_IsReportedOncePerVolume()
    {
        var reports = new List<PreprocessProgress>();
        var gate = new object();
        new DatasetPreprocessor(Options).Run(_input, _output, new SyncProgress(p => { lock (gate) reports.Add(p); }));
        Assert.Equal(7, reports.Count);
        Assert.Equal(Enumerable.Range(1, 7), reports.Select(r => r.Completed).Order());
        Assert.Equal(7, reports.Select(r => r.LastId).Distinct().Count());
    }

    [Fact]
    public void Build_IsIdempotent_AndWritesLabelsOnTheImageGrid()
    {
        var phantom = new BrainPhantomGenerator(SmallPhantoms).Generate(5);
        string img = _tmp.File("img.nii.gz"), lab = _tmp.File("lab.nii.gz");
        NiftiWriter.Write(img, phantom.Image);
        NiftiWriter.Write(lab, phantom.Labels, NiftiDataType.UInt8);
        var source = new VolumeSource("case/5", img, lab);

        var a = CacheVolumeBuilder.Build(source, _output, Options);
        byte[] first = File.ReadAllBytes(Path.Combine(_output, a.OutputFile!));
        var b = CacheVolumeBuilder.Build(source, _output, Options);
        Assert.Equal(ManifestStatus.Ok, b.Status);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(_output, b.OutputFile!)));

        using var image = ChunkedVolumeFile.Open(Path.Combine(_output, "case", "5.s3d"));
        using var labels = ChunkedVolumeFile.Open(Path.Combine(_output, CacheVolumeBuilder.LabelFileFor("case/5")));
        Assert.Equal(image.Shape, labels.Shape);
        Assert.Equal(image.Affine, labels.Affine);
        var values = labels.ReadAll().Voxels.Distinct().Order().ToArray();
        Assert.Subset(new HashSet<float> { 0, 1, 2, 3, 4 }, values.ToHashSet());
        Assert.Contains(3f, values); // white matter survives the crop and nearest resampling
        Assert.Contains("\"role\":\"labels\"", labels.MetadataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsAMissingFileAsFailed_NeverThrows()
    {
        var e = CacheVolumeBuilder.Build(new VolumeSource("gone", _tmp.File("gone.nii")), _output, Options);
        Assert.Equal(ManifestStatus.Failed, e.Status);
        Assert.Equal(CacheVolumeBuilder.UnreadableHash, e.ContentHash);
        Assert.Contains("FileNotFoundException", e.Reason, StringComparison.Ordinal);
    }

    private sealed class SyncProgress(Action<PreprocessProgress> report) : IProgress<PreprocessProgress>
    {
        public void Report(PreprocessProgress value) => report(value);
    }
}
