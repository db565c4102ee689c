using System.Text.Json;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>Our writer read back by our reader and by nibabel 5.0.</summary>
public sealed class NiftiWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nifti-write-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("a.nii")]
    [InlineData("a.nii.gz")]
    public void Float32_round_trips_exactly_through_our_reader(string name)
    {
        var volume = NiftiTestFiles.SmallVolume();
        string path = Path.Combine(_dir, name);
        NiftiWriter.Write(path, volume);
        var image = NiftiReader.Read(path);
        Assert.Equal(volume.Voxels, image.Volume.Voxels);
        Assert.Equal(volume.Shape, image.Volume.Shape);
        Assert.True(image.Volume.Affine.ApproximatelyEquals(volume.Affine, 1e-5), image.Volume.Affine.ToString());
        Assert.Equal(volume.Spacing.X, image.Volume.Spacing.X, 5);
        Assert.Equal(name.EndsWith(".gz", StringComparison.Ordinal), image.Header.IsDataCompressed);
        // The qform must describe the same (rigid + flip) transform as the sform.
        Assert.True(NiftiAffine.Qform(image.Header).ApproximatelyEquals(volume.Affine, 1e-5), NiftiAffine.Qform(image.Header).ToString());
    }

    [Fact]
    public void Integer_types_store_integers_unscaled_and_other_values_with_slope()
    {
        var integral = NiftiTestFiles.SmallVolume();
        var rounded = integral.WithVoxels(integral.Voxels.Select(v => MathF.Round(v)).ToArray());
        string p16 = Path.Combine(_dir, "int.nii.gz");
        NiftiWriter.Write(p16, rounded, NiftiDataType.Int16);
        var back = NiftiReader.Read(p16);
        Assert.Equal(NiftiDataType.Int16, back.Header.DataType);
        Assert.False(back.Header.HasScaling);
        Assert.Equal(rounded.Voxels, back.Volume.Voxels);

        string p8 = Path.Combine(_dir, "scaled.nii");
        NiftiWriter.Write(p8, integral, NiftiDataType.UInt8);
        var scaled = NiftiReader.Read(p8);
        Assert.True(scaled.Header.HasScaling);
        float range = integral.Voxels.Max() - integral.Voxels.Min();
        for (int i = 0; i < integral.Voxels.Length; i++)
            Assert.InRange(scaled.Volume.Voxels[i] - integral.Voxels[i], -range / 255 * 0.51, range / 255 * 0.51);
    }

    [Fact]
    public void Nibabel_reads_our_files_with_the_same_values_and_affine()
    {
        var volume = NiftiTestFiles.SmallVolume(3);
        var files = new List<(string Path, NiftiDataType Type)>();
        foreach (var (name, type) in new[] { ("f.nii", NiftiDataType.Float32), ("f.nii.gz", NiftiDataType.Float32), ("i.nii.gz", NiftiDataType.Int16), ("u.nii", NiftiDataType.UInt8) })
        {
            string path = Path.Combine(_dir, name);
            NiftiWriter.Write(path, volume, type);
            files.Add((path, type));
        }
        var reference = NibabelReference.Run(files.Select(f => f.Path), variantDir: null);
        Assert.Equal(files.Count, reference.GetArrayLength());
        foreach (var entry in reference.EnumerateArray())
        {
            string file = entry.GetProperty("file").GetString()!;
            Assert.True(entry.GetProperty("nifti").GetBoolean(), file);
            Assert.False(entry.TryGetProperty("error", out var err), err.ToString());
            Assert.Equal([5L, 4, 3], entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal(1, entry.GetProperty("sform_code").GetInt32());
            Assert.Equal(1, entry.GetProperty("qform_code").GetInt32());
            AssertAffine(volume.Affine, entry.GetProperty("affine"), file);
            AssertAffine(volume.Affine, entry.GetProperty("qform"), file + " qform");
            var ours = NiftiReader.Read(file).Volume;
            foreach (var sample in entry.GetProperty("volumes")[0].GetProperty("samples").EnumerateArray())
            {
                long i = sample[0].GetInt64();
                Assert.Equal(sample[1].GetDouble(), ours.Voxels[i], 1e-5 * Math.Max(1, Math.Abs(sample[1].GetDouble())));
                if (file.Contains("/f.nii", StringComparison.Ordinal)) Assert.Equal(volume.Voxels[i], ours.Voxels[i]);
            }
        }
    }

    [Fact]
    public void Unsupported_write_type_is_refused() =>
        Assert.Throws<ArgumentException>(() => NiftiWriter.Write(Path.Combine(_dir, "x.nii"), NiftiTestFiles.SmallVolume(), NiftiDataType.Float64));

    private static void AssertAffine(Affine expected, JsonElement rows, string what)
    {
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(expected[r, c] - rows[r][c].GetDouble()) < 1e-5, $"{what}: [{r},{c}] {rows[r][c]} vs {expected[r, c]}");
    }
}
