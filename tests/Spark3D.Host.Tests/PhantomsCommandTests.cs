using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Segmentation;

namespace Spark3D.Host.Tests;

/// <summary>`spark3d phantoms` through Program.Main: file layout, nnU-Net data set contract (issue 6), determinism.</summary>
[Collection("Console")]
public sealed class PhantomsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("phantoms-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ImagesOnly_WritesNumberedNiftiFiles_DeterminedBySeed()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b"), c = Path.Combine(_dir, "c");
        var (code, output) = ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "3", "--output", a, "--seed", "5"));
        Assert.Equal(0, code);
        Assert.Contains("wrote 3 phantoms", output, StringComparison.Ordinal);
        Assert.Equal(["phantom_000.nii.gz", "phantom_001.nii.gz", "phantom_002.nii.gz"],
            Directory.GetFileSystemEntries(a).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var image = NiftiReader.Read(Path.Combine(a, "phantom_001.nii.gz"));
        Assert.Equal(NiftiDataType.Float32, image.Header.DataType);
        Assert.InRange(image.Volume.Shape.Count, 20_000, 200_000);

        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "-n", "2", "-o", b, "--seed", "5", "-j", "1")).Code);
        Assert.Equal(0, ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "-n", "1", "-o", c, "--seed", "6")).Code);
        Assert.Equal(NiftiReader.Read(Path.Combine(a, "phantom_001.nii.gz")).Volume.Voxels, NiftiReader.Read(Path.Combine(b, "phantom_001.nii.gz")).Volume.Voxels);
        Assert.NotEqual(NiftiReader.Read(Path.Combine(a, "phantom_000.nii.gz")).Volume.Voxels, NiftiReader.Read(Path.Combine(c, "phantom_000.nii.gz")).Volume.Voxels);
    }

    [Fact]
    public void Quiet_shows_neither_progress_nor_the_result_line_and_still_writes_the_files()
    {
        var (code, output) = ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "2", "--output", _dir, "-q"));
        Assert.Equal(0, code);
        Assert.Equal(2, Directory.GetFiles(_dir, "*.nii.gz").Length);
        Assert.DoesNotContain("written", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote", output, StringComparison.Ordinal);
        var (_, loud) = ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "2", "--output", Path.Combine(_dir, "b")));
        Assert.Contains("phantoms: 2/2 written", loud, StringComparison.Ordinal);
    }

    [Fact]
    public void Skull_stripped_setting_zeroes_every_voxel_outside_the_brain_label()
    {
        var (code, _) = ConsoleCapture.Run(SmallPhantomArgs.With("-D", "spark3d.data.phantoms.skull-stripped=true",
            "phantoms", "--count", "1", "--output", _dir, "--labels"));
        Assert.Equal(0, code);
        var image = NiftiReader.Read(Path.Combine(_dir, "imagesTr", "phantom_000_0000.nii.gz")).Volume.Voxels;
        var labels = NiftiReader.Read(Path.Combine(_dir, "labelsTr", "phantom_000.nii.gz")).Volume.Voxels;
        for (int i = 0; i < image.Length; i++) Assert.Equal(labels[i] == 0, image[i] == 0);
    }

    [Fact]
    public void WithLabels_WritesAnNnUnetV2DataSet()
    {
        var (code, _) = ConsoleCapture.Run(SmallPhantomArgs.With("phantoms", "--count", "2", "--output", _dir, "--labels"));
        Assert.Equal(0, code);
        Assert.Equal(["phantom_000_0000.nii.gz", "phantom_001_0000.nii.gz"],
            Directory.GetFiles(Path.Combine(_dir, "imagesTr")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["phantom_000.nii.gz", "phantom_001.nii.gz"],
            Directory.GetFiles(Path.Combine(_dir, "labelsTr")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var labels = NiftiReader.Read(Path.Combine(_dir, "labelsTr", "phantom_001.nii.gz"));
        var image = NiftiReader.Read(Path.Combine(_dir, "imagesTr", "phantom_001_0000.nii.gz"));
        Assert.Equal(NiftiDataType.UInt8, labels.Header.DataType);
        Assert.Equal(image.Volume.Shape, labels.Volume.Shape);
        Assert.Equal(image.Volume.Affine, labels.Volume.Affine);
        Assert.Subset(new HashSet<float> { 0, 1, 2, 3, 4 }, labels.Volume.Voxels.ToHashSet());
        Assert.Contains(3f, labels.Volume.Voxels);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "dataset.json")));
        var l = json.RootElement.GetProperty("labels");
        Assert.Equal([("background", 0), ("csf", 1), ("gm", 2), ("wm", 3), ("lesion", 4)],
            l.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        Assert.Equal(2, json.RootElement.GetProperty("numTraining").GetInt32());
        Assert.Equal(".nii.gz", json.RootElement.GetProperty("file_ending").GetString());
        var dataset = SegmentationDataset.Open(_dir);
        Assert.Equal(2, dataset.Cases.Count);
        Assert.All(dataset.Cases, c => Assert.True(File.Exists(c.LabelPath)));
    }

    [Fact]
    public void ZeroCount_IsRejectedWithOneLine()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("phantoms", "--count", "0", "--output", _dir);
        Assert.Equal(2, code);
        Assert.Contains("--count", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
