using Spark3D.Data.Augmentation;
using Spark3D.Data.Cache;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Segmentation;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Patches;

namespace Spark3D.Training.Tests.Patches;

/// <summary>A two-channel (MRI, CT) nnU-Net data set preprocessed with its label maps: the cache holds exactly what the
/// fine-tuning producer makes on the fly, and is refused when a setting or a source differs.</summary>
public sealed class PreprocessedCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3d-ftcache-").FullName;
    private static readonly PreprocessOptions Coarse = new(new Spacing3(4, 4, 4));

    public void Dispose() => Directory.Delete(_root, true);

    private string Data => Path.Combine(_root, "Dataset003_Cache");

    private string Cache => Path.Combine(_root, "cache");

    private (SegmentationDataset Dataset, List<CtIntensityProperties?> Ct) Build()
    {
        NnUnetPhantoms.Write(Data, 2, "MRI", "CT");
        var dataset = SegmentationDataset.Open(Data);
        var ct = new List<CtIntensityProperties?> { null, DatasetCtStatistics.Collect(dataset.Cases.Select(c => (c.ChannelPaths[1], c.LabelPath!)), null).Properties };
        var sources = VolumeSourceScanner.GroupChannels(VolumeSourceScanner.WithLabels(VolumeSourceScanner.Scan(Data), Path.Combine(Data, "labelsTr")), nnUnetNaming: true);
        Assert.Equal(["ph0", "ph0", "ph1", "ph1"], sources.Select(s => Path.GetFileName(s.CaseId!)));
        var summary = new DatasetPreprocessor(CacheBuildOptions.Default with { Preprocess = Coarse, ChannelCt = ct, MaxParallelism = 2 }).Run(sources, Cache);
        Assert.Equal(4, summary.Ok);
        return (dataset, ct);
    }

    private static IEnumerable<(string, IReadOnlyList<string>, string)> Cases(SegmentationDataset d) => d.Cases.Select(c => (c.Id, c.ChannelPaths, c.LabelPath!));

    [Fact]
    public void Cached_cases_and_seeded_patches_equal_the_on_the_fly_ones()
    {
        var (dataset, ct) = Build();
        var match = PreprocessedCaseIndex.Match(Cache, Cases(dataset), Coarse, ct);
        Assert.True(match.Matches, match.Reason);
        var options = new LabelledPatchOptions(Coarse, new Shape3(16, 16, 16), ForegroundProbability: 0.5, ChannelCt: ct);
        var onTheFly = new LabelledPatchProducer(new LabelledVolumeCatalog(Cases(dataset)), options);
        var fromCache = new LabelledPatchProducer(new LabelledVolumeCatalog(Cases(dataset)) { Preprocessed = match.Cases }, options);
        foreach (var volume in new LabelledVolumeCatalog(Cases(dataset)).Volumes)
        {
            var a = onTheFly.Load(volume);
            var b = fromCache.Load(volume);
            Assert.Equal(2, b.Channels.Count);
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(a.Channels[c].Shape, b.Channels[c].Shape);
                Assert.Equal(a.Channels[c].Affine.ToRows().SelectMany(r => r), b.Channels[c].Affine.ToRows().SelectMany(r => r));
                Assert.Equal(a.Channels[c].Voxels, b.Channels[c].Voxels); // bit for bit: same preprocessing, float32 cache
            }
            Assert.Equal(a.Labels.Voxels, b.Labels.Voxels);
            var ra = new Random(11);
            var rb = new Random(11);
            for (int i = 0; i < 4; i++)
            {
                var pa = onTheFly.Produce(volume, ra);
                var pb = fromCache.Produce(volume, rb);
                Assert.Equal(pa.Origin, pb.Origin);
                Assert.Equal(pa.Voxels, pb.Voxels);
                Assert.Equal(pa.Labels, pb.Labels);
            }
        }
    }

    [Fact]
    public void A_single_channel_cache_from_the_fused_reader_equals_the_on_the_fly_case()
    {
        NnUnetPhantoms.Write(Data, 1, "MRI");
        var dataset = SegmentationDataset.Open(Data);
        var sources = VolumeSourceScanner.GroupChannels(VolumeSourceScanner.WithLabels(VolumeSourceScanner.Scan(Data), Path.Combine(Data, "labelsTr")), nnUnetNaming: true);
        Assert.Null(sources[0].CaseId); // one channel: the fused raw path of CacheVolumeBuilder
        Assert.Equal(1, new DatasetPreprocessor(CacheBuildOptions.Default with { Preprocess = Coarse }).Run(sources, Cache).Ok);
        var match = PreprocessedCaseIndex.Match(Cache, Cases(dataset), Coarse, []);
        Assert.True(match.Matches, match.Reason);
        var options = new LabelledPatchOptions(Coarse, new Shape3(16, 16, 16));
        var volume = new LabelledVolumeCatalog(Cases(dataset)).Volumes[0];
        var a = new LabelledPatchProducer(new LabelledVolumeCatalog(Cases(dataset)), options).Load(volume);
        var b = new LabelledPatchProducer(new LabelledVolumeCatalog(Cases(dataset)) { Preprocessed = match.Cases }, options).Load(volume);
        Assert.Equal(a.Image.Voxels, b.Image.Voxels);
        Assert.Equal(a.Labels.Voxels, b.Labels.Voxels);
    }

    [Fact]
    public void Channels_of_a_case_share_one_crop_box_and_grid_in_the_cache()
    {
        Build();
        using var mri = ChunkedVolumeFile.Open(Path.Combine(Cache, "imagesTr", "ph0_0000.s3d"));
        using var ctFile = ChunkedVolumeFile.Open(Path.Combine(Cache, "imagesTr", "ph0_0001.s3d"));
        using var labels = ChunkedVolumeFile.Open(Path.Combine(Cache, "imagesTr", "ph0_0000.labels.s3d"));
        Assert.Equal(mri.Shape, ctFile.Shape);
        Assert.Equal(mri.Shape, labels.Shape);
        Assert.Equal(mri.Affine.ToRows().SelectMany(r => r), ctFile.Affine.ToRows().SelectMany(r => r));
        Assert.False(File.Exists(Path.Combine(Cache, "imagesTr", "ph0_0001.labels.s3d"))); // one label map per case
    }

    [Fact]
    public void A_different_setting_or_a_changed_source_is_a_mismatch_with_its_reason()
    {
        var (dataset, ct) = Build();
        var spacing = PreprocessedCaseIndex.Match(Cache, Cases(dataset), new PreprocessOptions(new Spacing3(5, 5, 5)), ct);
        Assert.False(spacing.Matches);
        Assert.Contains("targetSpacing", spacing.Reason, StringComparison.Ordinal);

        var zscored = PreprocessedCaseIndex.Match(Cache, Cases(dataset), Coarse, [null, null]);
        Assert.Contains("channel 1 normalisation", zscored.Reason, StringComparison.Ordinal);

        var otherCt = PreprocessedCaseIndex.Match(Cache, Cases(dataset), Coarse, [null, ct[1]! with { Mean = ct[1]!.Mean + 1 }]);
        Assert.Contains("\"scheme\":\"ct\"", otherCt.Reason, StringComparison.Ordinal);

        var oneChannel = PreprocessedCaseIndex.Match(Cache, dataset.Cases.Select(c => (c.Id, (IReadOnlyList<string>)[c.ChannelPaths[0]], c.LabelPath!)), Coarse, []);
        Assert.Contains("2 channel(s), the data set has 1", oneChannel.Reason, StringComparison.Ordinal);

        var label = dataset.Cases[1].LabelPath!;
        var map = Spark3D.Data.Nifti.NiftiReader.Read(label).Volume;
        map.Voxels[0] = 1; // an edit of the label map after preprocessing
        Spark3D.Data.Nifti.NiftiWriter.Write(label, map, Spark3D.Data.Nifti.NiftiDataType.UInt8);
        var changed = PreprocessedCaseIndex.Match(Cache, Cases(dataset), Coarse, ct);
        Assert.Contains($"{label} has changed since it was preprocessed", changed.Reason, StringComparison.Ordinal);

        Assert.Contains("does not exist", PreprocessedCaseIndex.Match(Data, Cases(dataset), Coarse, ct).Reason, StringComparison.Ordinal);
    }
}
