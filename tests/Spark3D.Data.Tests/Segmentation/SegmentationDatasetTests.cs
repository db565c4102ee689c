using Spark3D.Data.Segmentation;

namespace Spark3D.Data.Tests.Segmentation;

public sealed class SegmentationDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3d-seg-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private void Touch(string rel)
    {
        string p = Path.Combine(_root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, [1]);
    }

    [Fact]
    public void Dataset_json_is_found_in_the_folder_or_above_a_dataset_subfolder_only()
    {
        string ds = Path.Combine(_root, "Dataset001_X");
        Touch("Dataset001_X/imagesTr/a_0000.nii.gz");
        Touch("Dataset001_X/other/a.nii.gz");
        SegmentationDataset.WriteNnUnetDatasetJson(ds, new Dictionary<int, string> { [0] = "background", [1] = "csf" }, 1);

        Assert.NotNull(DatasetJson.FindFor(ds));
        foreach (var sub in new[] { "imagesTr", "imagesTs", "labelsTr", "labelsTs" })
        {
            Directory.CreateDirectory(Path.Combine(ds, sub));
            Assert.Equal(Path.Combine(ds, DatasetJson.FileName), DatasetJson.FindFor(Path.Combine(ds, sub) + "/")?.Path);
        }
        Assert.Null(DatasetJson.FindFor(Path.Combine(ds, "other")));
        Assert.Null(DatasetJson.FindFor(_root));
    }

    [Fact]
    public void Reads_an_nnunet_folder_with_labels_from_dataset_json()
    {
        Touch("imagesTr/case_001_0000.nii.gz");
        Touch("imagesTr/case_002_0000.nii.gz");
        Touch("labelsTr/case_001.nii.gz");
        SegmentationDataset.WriteNnUnetDatasetJson(_root, new Dictionary<int, string> { [0] = "background", [1] = "csf", [2] = "gm" }, 2);

        var ds = SegmentationDataset.Open(_root);

        Assert.Equal("nnunet", ds.Layout);
        Assert.Equal(["case_001", "case_002"], ds.Cases.Select(c => c.Id));
        Assert.NotNull(ds.Cases[0].LabelPath);
        Assert.Null(ds.Cases[1].LabelPath);
        Assert.Equal(3, ds.NumClasses);
        Assert.Equal("gm", ds.Labels[2]);
    }

    [Fact]
    public void Reads_plain_pairs()
    {
        Touch("images/a.nii.gz");
        Touch("labels/a.nii.gz");
        Touch("images/b.nii");
        var ds = SegmentationDataset.Open(_root).WithLabelCount(3);
        Assert.Equal("pairs", ds.Layout);
        Assert.Equal(["a", "b"], ds.Cases.Select(c => c.Id));
        Assert.Equal("label_2", ds.Labels[2]);
    }

    [Fact]
    public void Unknown_layout_and_bad_json_are_named_errors()
    {
        var e = Assert.Throws<SegmentationDatasetException>(() => SegmentationDataset.Open(_root));
        Assert.Contains(_root, e.Message);
        Touch("imagesTr/x_0000.nii.gz");
        File.WriteAllText(Path.Combine(_root, "dataset.json"), "{ not json");
        Assert.Contains("invalid JSON", Assert.Throws<SegmentationDatasetException>(() => SegmentationDataset.Open(_root)).Message);
    }
}
