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
        Assert.Equal((1.0 + dice_b) / 2, json["mean_dice"]!.GetValue<double>(), 9);
        Assert.Equal(2, json["cases"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(_root, "pred", "summary.md")));
    }

    [Fact]
    public void Missing_reference_folder_exits_2()
    {
        var (code, _) = ConsoleCapture.Run("evaluate", "--pred", _root, "--ref", Path.Combine(_root, "nope"));
        Assert.Equal(2, code);
    }
}
