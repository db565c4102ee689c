using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Host.Tests;

/// <summary>`spark3d info` through Program.Main with Console.Out/Error redirected.</summary>
[Collection("Console")]
public sealed class InfoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("info-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => ConsoleCapture.RunWithError(args);

    private (string Path, Volume Volume) WriteSample()
    {
        var shape = new Shape3(6, 5, 4);
        var voxels = new float[shape.Count];
        for (int i = 0; i < voxels.Length; i++) voxels[i] = (i * 37 % 101) - 20;
        var affine = new Affine([0, -2, 0, 30, 1.5, 0, 0, -12, 0, 0, 3, 7.5, 0, 0, 0, 1]);
        var volume = new Volume(voxels, shape, new Spacing3(1.5, 2, 3), affine);
        string path = Path.Combine(_dir, "sample.nii.gz");
        NiftiWriter.Write(path, volume, NiftiDataType.Int16);
        return (path, volume);
    }

    [Fact]
    public void Json_output_has_the_documented_keys_and_right_values()
    {
        var (path, volume) = WriteSample();
        var (code, stdout, stderr) = Run("info", path, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var j = doc.RootElement;
        Assert.Equal(Path.GetFullPath(path), j.GetProperty("file").GetString());
        Assert.Equal("nifti1", j.GetProperty("format").GetString());
        Assert.Equal("int16", j.GetProperty("datatype").GetString());
        Assert.Equal([6, 5, 4], j.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1.5, 2, 3], j.GetProperty("spacing").EnumerateArray().Select(e => Math.Round(e.GetDouble(), 5)));
        var affine = j.GetProperty("affine");
        Assert.Equal(4, affine.GetArrayLength());
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(volume.Affine[r, c], affine[r][c].GetDouble(), 5);
        double mean = volume.Voxels.Average(v => (double)v);
        double std = Math.Sqrt(volume.Voxels.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(volume.Voxels.Min(), j.GetProperty("min").GetDouble());
        Assert.Equal(volume.Voxels.Max(), j.GetProperty("max").GetDouble());
        Assert.Equal(mean, j.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(std, j.GetProperty("std").GetDouble(), 9);
        foreach (string key in new[] { "endianness", "bitpix", "pixdim", "vox_offset", "scl_slope", "scl_inter", "qform_code", "sform_code", "qform", "sform", "affine_source", "descrip", "volumes", "volume_shape", "compressed" })
            Assert.True(j.TryGetProperty(key, out _), key);
        Assert.True(j.GetProperty("compressed").GetBoolean());
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Human_output_is_a_table_with_the_main_fields()
    {
        var (path, _) = WriteSample();
        var (code, stdout, _) = Run("info", path);
        Assert.Equal(0, code);
        Assert.Contains("int16", stdout, StringComparison.Ordinal);
        Assert.Contains("6 × 5 × 4", stdout, StringComparison.Ordinal);
        Assert.Contains("sform", stdout, StringComparison.Ordinal);
        Assert.Contains("mean / std", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_d_real_file_reports_volumes_and_scaling()
    {
        const string file = "/usr/lib/python3/dist-packages/nibabel/tests/data/functional.nii";
        Assert.True(File.Exists(file), "python3-nibabel test data missing; run scripts/test.sh");
        var (code, stdout, stderr) = Run("info", file, "--json", "--volume", "3");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(20, doc.RootElement.GetProperty("volumes").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("volume").GetInt32());
        Assert.True(doc.RootElement.GetProperty("scaled").GetBoolean());
        Assert.Equal([17, 21, 3, 20], doc.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Bad_file_prints_one_line_to_stderr_and_exits_2()
    {
        string bad = Path.Combine(_dir, "broken.nii");
        File.WriteAllBytes(bad, new byte[100]);
        var (code, stdout, stderr) = Run("info", bad, "--json");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string line = stderr.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.Contains("broken.nii", line, StringComparison.Ordinal);
        Assert.Contains("sizeof_hdr", line, StringComparison.Ordinal);

        var (code2, _, stderr2) = Run("info", Path.Combine(_dir, "absent.nii"));
        Assert.Equal(2, code2);
        Assert.Contains("not found", stderr2, StringComparison.Ordinal);
    }
}
