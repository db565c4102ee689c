using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Patches;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

/// <summary>The real adapters inside the real actor pipeline (with the tests' tiny mean-fit engine).</summary>
public class RealDataPipelineTests
{
    private static readonly Shape3 Patch = new(16, 16, 16);

    private static PipelineOptions Options(string runDir, long steps) => new()
    {
        RunDirectory = runDir,
        TotalSteps = steps,
        Seed = 3,
        BatchSize = 2,
        PreprocessorCount = 2,
        CheckpointEverySteps = 100,
        IoRetryBaseDelay = TimeSpan.FromMilliseconds(10),
        FinalCheckpointTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task A_cache_with_a_corrupt_file_trains_on_the_good_ones_and_quarantines_the_bad_one()
    {
        using var fx = new DataFixture();
        for (int i = 0; i < 4; i++) fx.WriteCache($"cache/p{i}.s3d", DataFixture.Phantom(i));
        fx.WriteBytes("cache/broken.s3d", [.. "S3DCHUNK"u8, .. new byte[100]]);
        var catalog = CacheVolumeCatalog.Open(Path.Combine(fx.Root, "cache"));
        using var producer = new CachePatchProducer(new PatchProducerOptions(Patch));
        var engines = new MeanFitEngineFactory(Path.Combine(fx.Root, "run"));

        var result = await PipelineRunner.RunAsync(Options(Path.Combine(fx.Root, "run"), 12), catalog, producer,
            new MaskedBatchAssembler(new MaskOptions(BlockSize: 8, Ratio: 0.75), Patch), engines).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(12, result.Step);
        Assert.Equal(1, result.Quarantined);
        var q = Assert.Single(QuarantineLog.Read(Path.Combine(fx.Root, "run", "quarantine.jsonl")));
        Assert.Equal("broken", q.Id);
        Assert.Contains("corrupt cache file", q.Reason, StringComparison.Ordinal);
        Assert.Equal(1, q.Attempts); // not retried as a transient IO error
    }

    [Fact]
    public async Task A_nifti_folder_mixing_good_and_bad_files_trains_and_quarantines_each_bad_file()
    {
        using var fx = new DataFixture();
        for (int i = 0; i < 3; i++) fx.WriteNifti($"raw/good{i}.nii.gz", DataFixture.Phantom(i));
        fx.WriteBytes("raw/zero.nii", []);
        fx.WriteBytes("raw/garbage.nii", Enumerable.Range(0, 400).Select(i => (byte)(i * 13)).ToArray());
        fx.WriteNifti("raw/nan.nii", DataFixture.Filled(new Shape3(12, 12, 12), _ => float.NaN));
        fx.WriteNifti("raw/one.nii", DataFixture.Filled(new Shape3(1, 1, 1), _ => 1f));
        fx.WriteNifti("raw/huge-grid.nii.gz", DataFixture.CoarseCube(12, 120)); // resamples to 1440³: over the voxel budget
        var catalog = NiftiFolderCatalog.Open(Path.Combine(fx.Root, "raw"));
        using var producer = new NiftiPatchProducer(new PatchProducerOptions(Patch), PreprocessOptions.Default);
        Directory.CreateDirectory(Path.Combine(fx.Root, "run"));
        var engines = new MeanFitEngineFactory(Path.Combine(fx.Root, "run"));

        var result = await PipelineRunner.RunAsync(Options(Path.Combine(fx.Root, "run"), 10), catalog, producer,
            new MaskedBatchAssembler(new MaskOptions(BlockSize: 8, Dynamic: true), Patch), engines).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(10, result.Step);
        var report = QuarantineLog.Read(Path.Combine(fx.Root, "run", "quarantine.jsonl")).ToDictionary(e => e.Id);
        Assert.Equal(["garbage", "huge-grid", "nan", "one", "zero"], report.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("1440×1440×1440 = 2,985,984,000 voxels exceeds the voxel budget", report["huge-grid"].Reason, StringComparison.Ordinal);
        Assert.Contains("spark3d.preprocess.max-volume-voxels", report["huge-grid"].Reason, StringComparison.Ordinal);
        Assert.Contains("NaN", report["nan"].Reason, StringComparison.Ordinal);
        Assert.Contains("1×1×1", report["one"].Reason, StringComparison.Ordinal);
        Assert.All(report.Values, e => Assert.Equal(1, e.Attempts));
    }
}
