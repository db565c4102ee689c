using System.Text.Json.Nodes;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Host.Tests;

[Collection("Console")]
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3d-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private static Volume Box(int x0, int x1)
    {
        var s = new Shape3(12, 10, 8);
        var v = Volume.Zeros(s, new Spacing3(1, 1, 1));
        for (int z = 2; z < 6; z++) for (int y = 2; y < 8; y++) for (int x = x0; x < x1; x++) v.Voxels[s.Index(x, y, z)] = 1;
        return v;
    }

    [Fact]
    public void Json_report_has_the_mean_dice_of_the_cases()
    {
        Directory.CreateDirectory(Path.Combine(_root, "pred"));
        Directory.CreateDirectory(Path.Combine(_root, "ref"));
        NiftiWriter.Write(Path.Combine(_root, "ref", "a.nii.gz"), Box(2, 8), NiftiDataType.UInt8);
        NiftiWriter.Write(Path.Combine(_root, "pred", "a.nii.gz"), Box(2, 8), NiftiDataType.UInt8);
        NiftiWriter.Write(Path.Combine(_root, "ref", "b.nii.gz"), Box(2, 8), NiftiDataType.UInt8);
        NiftiWriter.Write(Path.Combine(_root, "pred", "b.nii.gz"), Box(4, 8), NiftiDataType.UInt8);

        var (code, stdout) = ConsoleCapture.Run("evaluate", "--pred", Path.Combine(_root, "pred"), "--ref", Path.Combine(_root, "ref"), "--json");

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        double dice_b = 2.0 * 4 / (6 + 4);
        Assert.Equal((1.0 + dice_b) / 2, json["foreground_mean"]!["Dice"]!.GetValue<double>(), 9);
        Assert.Equal((1.0 + dice_b) / 2, json["mean"]!["1"]!["Dice"]!.GetValue<double>(), 9);
        Assert.Equal(2, json["metric_per_case"]!.AsArray().Count);
        var b = json["metric_per_case"]![1]!;
        Assert.EndsWith("b.nii.gz", b["reference_file"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("b.nii.gz", b["prediction_file"]!.GetValue<string>(), StringComparison.Ordinal);
        // Box(2, 8) is 6x6x4 = 144 voxels, Box(4, 8) 96 of them; the volume has 960.
        var m = b["metrics"]!["1"]!;
        Assert.Equal((96L, 0L, 48L, 960L - 144L), (m["TP"]!.GetValue<long>(), m["FP"]!.GetValue<long>(), m["FN"]!.GetValue<long>(), m["TN"]!.GetValue<long>()));
        Assert.Equal((96L, 144L), (m["n_pred"]!.GetValue<long>(), m["n_ref"]!.GetValue<long>()));
        Assert.Equal(96.0 / 144, m["IoU"]!.GetValue<double>(), 12);
        Assert.Equal(dice_b, m["Dice"]!.GetValue<double>(), 12);
        Assert.True(m["HD95"]!.GetValue<double>() > 0);
        Assert.Equal("label_1", json["label_names"]!["1"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_root, "pred", "summary.md")));
        Assert.True(File.Exists(Path.Combine(_root, "pred", "summary.json")));
    }

    [Fact]
    public void Dataset_json_beside_the_references_names_the_labels_and_its_ignore_label_counts_for_nothing()
    {
        string refDir = Path.Combine(_root, "Dataset001_X", "labelsTr"), predDir = Path.Combine(_root, "pred2");
        Directory.CreateDirectory(refDir);
        Directory.CreateDirectory(predDir);
        File.WriteAllText(Path.Combine(_root, "Dataset001_X", "dataset.json"),
            "{\"channel_names\": {\"0\": \"CT\", \"1\": \"MRI\"}, \"labels\": {\"background\": 0, \"liver\": 1, \"tumour\": 2, \"ignore\": 3}, \"numTraining\": 1, \"file_ending\": \".nii.gz\"}");
        var reference = Box(2, 8);
        var s = reference.Shape;
        // The reference leaves x in [8, 10) unannotated (ignore); the prediction calls it liver: no false positives.
        for (int z = 2; z < 6; z++) for (int y = 2; y < 8; y++) for (int x = 8; x < 10; x++) reference.Voxels[s.Index(x, y, z)] = 3;
        NiftiWriter.Write(Path.Combine(refDir, "a.nii.gz"), reference, NiftiDataType.UInt8);
        NiftiWriter.Write(Path.Combine(predDir, "a.nii.gz"), Box(2, 10), NiftiDataType.UInt8);

        var (code, stdout) = ConsoleCapture.Run("evaluate", "--pred", predDir, "--ref", refDir, "--json", "--no-hd95");

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(["1", "2"], json["mean"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("liver", json["label_names"]!["1"]!.GetValue<string>());
        Assert.Equal("tumour", json["label_names"]!["2"]!.GetValue<string>());
        Assert.Equal(3, json["ignore_label"]!.GetValue<int>());
        var liver = json["metric_per_case"]![0]!["metrics"]!["1"]!;
        Assert.Equal(1.0, liver["Dice"]!.GetValue<double>());
        Assert.Equal(0L, liver["FP"]!.GetValue<long>());
        Assert.Equal(960L - 48 - 144, liver["TN"]!.GetValue<long>()); // the 48 ignored voxels count nowhere
        // Tumour is in neither map: Dice NaN (null in JSON), left out of the mean, which is then NaN too, as in nnU-Net.
        Assert.Null(json["metric_per_case"]![0]!["metrics"]!["2"]!["Dice"]);
        Assert.Null(json["foreground_mean"]!["Dice"]);
        Assert.Contains("Dice liver", File.ReadAllText(Path.Combine(predDir, "summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Region_labels_in_dataset_json_are_refused_naming_the_key()
    {
        Directory.CreateDirectory(Path.Combine(_root, "ref3"));
        NiftiWriter.Write(Path.Combine(_root, "ref3", "a.nii.gz"), Box(2, 8), NiftiDataType.UInt8);
        string dj = Path.Combine(_root, "regions.json");
        File.WriteAllText(dj, "{\"labels\": {\"background\": 0, \"whole_tumor\": [1, 2, 3], \"core\": [2, 3]}}");
        var (code, _, err) = ConsoleCapture.RunWithError("evaluate", "--pred", Path.Combine(_root, "ref3"), "--ref", Path.Combine(_root, "ref3"), "--dataset-json", dj);
        Assert.Equal(2, code);
        Assert.Contains("labels['whole_tumor'] is a region", err, StringComparison.Ordinal);
        Assert.Contains(dj, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_reference_folder_exits_2()
    {
        var (code, _) = ConsoleCapture.Run("evaluate", "--pred", _root, "--ref", Path.Combine(_root, "nope"));
        Assert.Equal(2, code);
    }
}
