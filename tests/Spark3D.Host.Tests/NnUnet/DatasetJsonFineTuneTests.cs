using System.Text.Json.Nodes;
using Spark3D.Data.Nifti;
using Spark3D.Data.Segmentation;
using Spark3D.Host.FineTune;
using Spark3D.Tests.Shared;

namespace Spark3D.Host.Tests.NnUnet;

/// <summary>dataset.json honoured by finetune: an ignore label trains (it is no class), regions and missing channels are refused.</summary>
[Collection("Console")]
public sealed class DatasetJsonFineTuneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-dsjson-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void SetLabels(string root, JsonObject labels)
    {
        string path = Path.Combine(root, DatasetJson.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["labels"] = labels;
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void An_ignore_label_is_no_class_and_trains_without_error()
    {
        string data = Path.Combine(_dir, "data");
        NnUnetPhantoms.Write(data, 2, "MRI", "CT");
        // Mark the lesions (label 4) as unannotated: value 5 = ignore, so the network has classes 0..3.
        foreach (var f in Directory.GetFiles(Path.Combine(data, "labelsTr")))
        {
            var v = NiftiReader.Read(f).Volume;
            NiftiWriter.Write(f, v.WithVoxels(v.Voxels.Select(x => x == 4 ? 5f : x).ToArray()), NiftiDataType.UInt8);
        }
        SetLabels(data, new JsonObject { ["background"] = 0, ["csf"] = 1, ["gm"] = 2, ["wm"] = 3, ["ignore"] = 5 });
        string run = Path.Combine(_dir, "run");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. MultiChannelFixture.Coarse, "finetune", "--data", data, "--run-dir", run,
            "--steps", "2", "--from-scratch", "--preset", "tiny", "--patch", "32"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("ignore label 5", stdout, StringComparison.Ordinal);
        var model = FineTunedModel.Read(run);
        Assert.Equal((4, 5), (model.NumClasses, model.IgnoreLabel!.Value));
    }

    [Fact]
    public void Region_labels_and_missing_channels_are_refused_naming_the_key_or_file()
    {
        string data = Path.Combine(_dir, "regions");
        NnUnetPhantoms.Write(data, 1, "MRI", "CT");
        SetLabels(data, new JsonObject { ["background"] = 0, ["brain"] = new JsonArray(1, 2, 3), ["lesion"] = 4 });
        var (code, _, err) = ConsoleCapture.RunWithError("finetune", "--data", data, "--run-dir", Path.Combine(_dir, "r1"), "--steps", "1", "--from-scratch");
        Assert.Equal(2, code);
        Assert.Contains("labels['brain'] is a region", err, StringComparison.Ordinal);

        string missing = Path.Combine(_dir, "missing");
        NnUnetPhantoms.Write(missing, 1, "MRI", "CT");
        File.Delete(Path.Combine(missing, "imagesTr", "ph0_0001.nii.gz"));
        (code, _, err) = ConsoleCapture.RunWithError("finetune", "--data", missing, "--run-dir", Path.Combine(_dir, "r2"), "--steps", "1", "--from-scratch");
        Assert.Equal(2, code);
        Assert.Contains("case 'ph0' has no channel 1 (ph0_0001.nii.gz)", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_dataset_json_every_channel_file_is_counted_not_dropped()
    {
        string data = Path.Combine(_dir, "nojson");
        NnUnetPhantoms.Write(data, 2, "MRI", "MRI");
        File.Delete(Path.Combine(data, DatasetJson.FileName));
        var dataset = SegmentationDataset.Open(data);
        Assert.Equal(2, dataset.ChannelNames.Count);
        Assert.Equal(2, dataset.Cases[0].ChannelPaths.Count);
        Assert.EndsWith("ph0_0001.nii.gz", dataset.Cases[0].ChannelPaths[1], StringComparison.Ordinal);
    }
}
