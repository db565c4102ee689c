using System.Text.Json.Nodes;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

/// <summary>Multi-channel cases in the cache build: nnU-Net's CASE_000C files are grouped, cropped to the union of their
/// nonzero boxes, put on one grid, and each file records its settings, channel and normalisation.</summary>
public sealed class CacheCaseBuilderTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    /// <summary>A 20³ 1 mm volume, nonzero (value ramp) inside [lo, hi]³ only.</summary>
    private static Volume Box(int lo, int hi, float scale)
    {
        var v = Volume.Zeros(new Shape3(20, 20, 20), new Spacing3(1, 1, 1));
        for (int z = lo; z <= hi; z++)
            for (int y = lo; y <= hi; y++)
                for (int x = lo; x <= hi; x++)
                    v.Voxels[x + 20 * (y + 20 * z)] = scale * (1 + x + y + z);
        return v;
    }

    private (string Input, string Labels) WriteCase()
    {
        string input = _tmp.File("imagesTr"), labels = _tmp.File("labelsTr");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(labels);
        NiftiWriter.Write(Path.Combine(input, "c1_0000.nii.gz"), Box(2, 10, 1));
        NiftiWriter.Write(Path.Combine(input, "c1_0001.nii.gz"), Box(8, 16, 3));
        var seg = Box(9, 10, 0);
        for (int i = 0; i < seg.Voxels.Length; i++) seg.Voxels[i] = i % 7 == 0 ? 1 : 0;
        NiftiWriter.Write(Path.Combine(labels, "c1.nii.gz"), seg, NiftiDataType.UInt8);
        return (input, labels);
    }

    [Fact]
    public void Channels_sharing_a_label_map_are_one_case_cropped_to_the_union_of_their_nonzero_boxes()
    {
        var (input, labels) = WriteCase();
        var sources = VolumeSourceScanner.GroupChannels(VolumeSourceScanner.WithLabels(VolumeSourceScanner.Scan(input), labels), nnUnetNaming: false);
        Assert.Equal([("c1", 0), ("c1", 1)], sources.Select(s => (s.CaseId, s.Channel)));
        Assert.NotNull(sources[0].LabelPath);
        Assert.Null(sources[1].LabelPath); // the case's one label map goes with channel 0
        var options = new CacheBuildOptions(new PreprocessOptions(null), new ChunkedVolumeOptions(ChunkSize: 8), MaxParallelism: 1);
        string output = _tmp.File("cache");
        var summary = new DatasetPreprocessor(options).Run(sources, output);
        Assert.Equal(2, summary.Ok);

        using var c0 = ChunkedVolumeFile.Open(Path.Combine(output, "c1_0000.s3d"));
        using var c1 = ChunkedVolumeFile.Open(Path.Combine(output, "c1_0001.s3d"));
        using var lab = ChunkedVolumeFile.Open(Path.Combine(output, "c1_0000.labels.s3d"));
        var union = new Shape3(15, 15, 15); // [2, 16]³; channel 0 alone would be 9³
        Assert.Equal(union, c0.Shape);
        Assert.Equal(union, c1.Shape);
        Assert.Equal(union, lab.Shape);
        Assert.Equal(c0.Affine.ToRows().SelectMany(r => r), c1.Affine.ToRows().SelectMany(r => r));
        Assert.Equal(new Shape3(9, 9, 9), new VolumePreprocessor(options.Preprocess).Process(Box(2, 10, 1)).Volume.Shape);
        // Channel 1's corner voxel (16,16,16) is nonzero, channel 0's is zero (nonzero z-score keeps background at 0).
        Assert.Equal(0f, c0.ReadAll().Voxels[^1]);
        Assert.NotEqual(0f, c1.ReadAll().Voxels[^1]);

        var info = JsonNode.Parse(c1.MetadataJson!)!;
        Assert.Equal(CacheVolumeInfo.InfoVersion, info["infoVersion"]!.GetValue<int>());
        Assert.Equal(1, info["channel"]!.GetValue<int>());
        Assert.Equal(2, info["channels"]!.GetValue<int>());
        Assert.Equal("zscore", info["normalization"]!["scheme"]!.GetValue<string>());
        Assert.Null(info["settings"]!["targetSpacing"]);
        Assert.Equal(CacheVolumeBuilder.HashSource(Path.Combine(labels, "c1.nii.gz")), CacheVolumeInfo.LabelContentHash(lab.MetadataJson));

        // A rerun skips the whole case; deleting one channel's file rebuilds the case.
        Assert.Equal(2, new DatasetPreprocessor(options).Run(sources, output).Skipped);
        File.Delete(Path.Combine(output, "c1_0001.s3d"));
        Assert.Equal(2, new DatasetPreprocessor(options).Run(sources, output).Ok);
    }

    [Fact]
    public void Channel_suffixes_without_a_shared_label_map_stay_separate_volumes_outside_a_dataset_folder()
    {
        var (input, _) = WriteCase();
        var plain = VolumeSourceScanner.GroupChannels(VolumeSourceScanner.Scan(input), nnUnetNaming: false);
        Assert.All(plain, s => Assert.Null(s.CaseId));
        var dataset = VolumeSourceScanner.GroupChannels(VolumeSourceScanner.Scan(input), nnUnetNaming: true);
        Assert.All(dataset, s => Assert.Equal("c1", s.CaseId));
        // A lone CASE_0001 (no channel 0) is not a case.
        File.Delete(Path.Combine(input, "c1_0000.nii.gz"));
        Assert.All(VolumeSourceScanner.GroupChannels(VolumeSourceScanner.Scan(input), nnUnetNaming: true), s => Assert.Null(s.CaseId));
    }
}
