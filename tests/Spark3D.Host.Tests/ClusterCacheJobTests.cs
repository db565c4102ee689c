using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Host.Cluster;

namespace Spark3D.Host.Tests;

/// <summary>The host side of cluster preprocessing: job description, the cache job, the manifest-backed journal.</summary>
public sealed class ClusterCacheJobTests : IDisposable
{
    private static readonly CacheBuildOptions Options = new(
        new PreprocessOptions(new Spacing3(2.5, 2.5, 2.5), Interpolation.CubicBSpline, new ZScoreOptions(ZScoreMode.AllVoxels, 1e-6)),
        new ChunkedVolumeOptions(16, CacheDType.Float16, ChunkCodec.Zstd, 5, Shuffle: false), 3, "m.jsonl");

    private readonly string _dir = Directory.CreateTempSubdirectory("cluster-job-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void JobDescription_RoundTripsThroughJson()
    {
        var d = new JobDescription("/shared/cache", Options);
        var back = JobDescription.FromJson(d.ToJson());
        Assert.Equal(d.OutputDir, back.OutputDir);
        Assert.Equal(d.Options.Chunks, back.Options.Chunks);
        Assert.Equal(d.Options.Preprocess.TargetSpacing, back.Options.Preprocess.TargetSpacing);
        Assert.Equal(d.Options.Preprocess.ZScore, back.Options.Preprocess.ZScore);
        Assert.Equal(d.Options.Preprocess.ImageInterpolation, back.Options.Preprocess.ImageInterpolation);
        Assert.Equal((d.Options.MaxParallelism, d.Options.ManifestFileName), (back.Options.MaxParallelism, back.Options.ManifestFileName));
        Assert.Throws<FormatException>(() => JobDescription.FromJson("{\"outputDir\":1}"));
        Assert.Throws<FormatException>(() => JobDescription.FromJson("not json"));
    }

    [Fact]
    public void CacheJob_AndManifestJournal_WriteOneLinePerItem_AndResumeOnlyFinishedOutputs()
    {
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "out");
        Directory.CreateDirectory(input);
        var small = new PhantomOptions { FieldOfViewMm = 96, HeadLengthMinMm = 70, HeadLengthMaxMm = 85, MinSpacingMm = 2, MaxSpacingMm = 3 };
        NiftiWriter.Write(Path.Combine(input, "a.nii.gz"), new BrainPhantomGenerator(small).Generate(0).Image);
        File.WriteAllText(Path.Combine(input, "b.nii"), "garbage");
        var items = new[] { new VolumeWorkItem("a", Path.Combine(input, "a.nii.gz")), new VolumeWorkItem("b", Path.Combine(input, "b.nii")) };
        var job = new CacheVolumeJob(new JobDescription(output, Options));

        var ok = job.Run(items[0], CancellationToken.None);
        var failed = job.Run(items[1], CancellationToken.None);
        Assert.True(ok.Succeeded);
        Assert.Equal("a.s3d", ok.OutputPath);
        Assert.Equal(ContentHasher.HashFile(items[0].SourcePath), ok.ContentHash);
        Assert.False(failed.Succeeded);
        Assert.Contains("b.nii", failed.Reason, StringComparison.Ordinal);

        string manifestPath = Path.Combine(output, "m.jsonl");
        using (var journal = new ManifestWorkJournal(manifestPath, items))
        {
            Assert.Empty(journal.Load());
            // The shipped entry does not choose where things are: a forged source and output in its stats are replaced.
            var forged = ManifestEntryJson.TryDeserialize(ok.Stats)! with { SourcePath = "/etc/shadow", OutputFile = "../../x.s3d" };
            journal.Append(new WorkJournalEntry("a", true, ok.OutputPath, ok.ContentHash, ManifestEntryJson.Serialize(forged), null, "node-1", DateTime.UtcNow));
            journal.Append(new WorkJournalEntry("b", false, null, null, null, failed.Reason, "node-2", DateTime.UtcNow));
            Assert.Equal(["a"], journal.Load().Select(e => e.Id)); // failed ones are retried after a restart
        }

        using (var manifest = DatasetManifest.Load(manifestPath))
        {
            var a = manifest.LatestById["a"];
            Assert.Equal(ManifestStatus.Ok, a.Status);
            Assert.Equal((items[0].SourcePath, "a.s3d"), (a.SourcePath, a.OutputFile));
            Assert.NotNull(a.OriginalShape);
            Assert.NotNull(a.Stats);
            using var f = ChunkedVolumeFile.Open(Path.Combine(output, a.OutputFile!));
            Assert.Equal(a.NewShape, f.Shape);
            Assert.Equal(CacheDType.Float16, f.Options.DType); // the coordinator's cache settings were used
            var b = manifest.LatestById["b"];
            Assert.Equal(ManifestStatus.Failed, b.Status);
            Assert.Equal(ContentHasher.HashFile(items[1].SourcePath), b.ContentHash);
            Assert.Equal(failed.Reason, b.Reason);
        }

        File.Delete(Path.Combine(output, "a.s3d"));
        using (var journal = new ManifestWorkJournal(manifestPath, items))
        {
            Assert.Empty(journal.Load()); // output gone: the item is worked again
            journal.Append(new WorkJournalEntry("a", true, ok.OutputPath, ok.ContentHash, ok.Stats, null, "node-1", DateTime.UtcNow));
        }
        using (var journal = new ManifestWorkJournal(manifestPath, items))
        {
            // Defence in depth (the coordinator refuses these first): an escaping output is recorded as a failure.
            journal.Append(new WorkJournalEntry("b", true, "../escape.s3d", "h", "", null, "node-2", DateTime.UtcNow));
        }

        using (var manifest = DatasetManifest.Load(manifestPath))
        {
            Assert.Equal(ManifestStatus.Failed, manifest.LatestById["b"].Status);
            Assert.Contains("../escape.s3d", manifest.LatestById["b"].Reason, StringComparison.Ordinal);
        }

        ManifestCompactor.Compact(manifestPath, items.Select(i => i.Id));
        Assert.Equal(["a", "b"], File.ReadAllLines(manifestPath).Select(l => ManifestEntryJson.TryDeserialize(l)!.Id));
    }
}
