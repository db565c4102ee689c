using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Patches;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

/// <summary>One file has one id everywhere (<see cref="VolumeIds"/>): in the cache manifest, in both catalogs, and in a
/// raw-data run's consumed trace and quarantine log.</summary>
public class VolumeIdTests
{
    private static readonly Shape3 Patch = new(16, 16, 16);

    [Fact]
    public async Task One_file_has_one_id_in_the_manifest_the_catalogs_the_consumed_trace_and_the_quarantine_log()
    {
        using var fx = new DataFixture();
        fx.WriteNifti("raw/s1/t1.nii.gz", DataFixture.Phantom(0));
        fx.WriteNifti("raw/s2/t1.nii", DataFixture.Phantom(1));
        fx.WriteNifti("raw/flat.nii", DataFixture.Filled(new Shape3(12, 12, 12), _ => float.NaN));
        string raw = Path.Combine(fx.Root, "raw"), cache = Path.Combine(fx.Root, "cache"), run = Path.Combine(fx.Root, "run");

        // spark3d preprocess: every input gets a manifest entry (the NaN volume a failed one).
        new DatasetPreprocessor(CacheBuildOptions.Default with { MaxParallelism = 2 }).Run(raw, cache);
        using var manifest = DatasetManifest.Load(Path.Combine(cache, DatasetManifest.DefaultFileName));
        var ids = manifest.LatestById.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["flat", "s1/t1", "s2/t1"], ids);
        var good = ids.Where(id => manifest.LatestById[id].Status == ManifestStatus.Ok).ToList();

        // spark3d pretrain --data RAW and --data CACHE (with and without its manifest) name the files the same way.
        Assert.Equal(ids, NiftiFolderCatalog.Open(raw).Volumes.Select(v => v.Id));
        Assert.Equal(good, CacheVolumeCatalog.Open(cache).Volumes.Select(v => v.Id));
        File.Delete(manifest.FilePath);
        Assert.Equal(good, CacheVolumeCatalog.Open(cache).Volumes.Select(v => v.Id));

        // A raw-data run: consumed.jsonl and quarantine.jsonl use the same ids.
        var catalog = NiftiFolderCatalog.Open(raw);
        using var producer = new NiftiPatchProducer(new PatchProducerOptions(Patch), PreprocessOptions.Default);
        Directory.CreateDirectory(run);
        var options = new PipelineOptions { RunDirectory = run, TotalSteps = 4, Seed = 5, BatchSize = 2, PreprocessorCount = 2 };
        var result = await PipelineRunner.RunAsync(options, catalog, producer,
            new MaskedBatchAssembler(new MaskOptions(BlockSize: 8), Patch), new MeanFitEngineFactory(run)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["flat"], QuarantineLog.Read(Path.Combine(run, "quarantine.jsonl")).Select(q => q.Id));
        var consumed = ConsumedTrace.Read(Path.Combine(run, "consumed.jsonl")).Select(c => c.Id).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(good, consumed);
    }
}
