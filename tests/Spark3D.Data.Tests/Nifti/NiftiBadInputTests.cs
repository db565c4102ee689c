using System.IO.Compression;
using Spark3D.Data.Nifti;
using static Spark3D.Data.Tests.Nifti.NiftiTestFiles;

namespace Spark3D.Data.Tests.Nifti;

/// <summary>Each kind of broken file gives a <see cref="NiftiFormatException"/> that names the file and the problem.</summary>
public sealed class NiftiBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nifti-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Save(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(_dir, name);
        if (gzip)
        {
            using var f = File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        return path;
    }

    private NiftiFormatException Fails(string path, string expectedProblem)
    {
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path));
        Assert.Contains(Path.GetFileName(path), e.Message, StringComparison.Ordinal);
        Assert.Contains(expectedProblem, e.Problem, StringComparison.OrdinalIgnoreCase);
        return e;
    }

    private byte[] Valid() => SmallNiiBytes(_dir);

    [Fact]
    public void Zero_byte_file() => Fails(Save("empty.nii", []), "empty file");

    [Fact]
    public void Missing_file() => Fails(Path.Combine(_dir, "nope.nii"), "not found");

    [Fact]
    public void Truncated_header() => Fails(Save("short.nii", Valid()[..200]), "truncated header");

    [Fact]
    public void Truncated_header_in_gzip() => Fails(Save("short.nii.gz", Valid()[..200], gzip: true), "truncated header");

    [Fact]
    public void Truncated_data() => Fails(Save("cut.nii", Valid()[..^7]), "truncated data");

    [Fact]
    public void Truncated_data_in_gzip_detected_while_inflating() =>
        Fails(Save("cut.nii.gz", Valid()[..^7], gzip: true), "truncated data");

    [Fact]
    public void Truncated_gzip_stream()
    {
        string full = Save("whole.nii.gz", Valid(), gzip: true);
        byte[] compressed = File.ReadAllBytes(full);
        Fails(Save("halfgz.nii.gz", compressed[..(compressed.Length / 2)]), "truncated");
    }

    [Fact]
    public void Wrong_magic()
    {
        var b = Valid();
        "abc\0"u8.CopyTo(b.AsSpan(V1.Magic));
        Fails(Save("magic.nii", b), "wrong magic");
    }

    [Fact]
    public void Analyze_header_without_magic_is_refused()
    {
        var b = Valid();
        b.AsSpan(V1.Magic, 4).Clear();
        Fails(Save("analyze.nii", b), "ANALYZE");
    }

    [Fact]
    public void Wrong_sizeof_hdr()
    {
        var b = Valid();
        SetI32(b, 0, 347);
        Fails(Save("size.nii", b), "sizeof_hdr");
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, -4)]
    [InlineData(0, 0)]
    [InlineData(0, 9)]
    public void Zero_or_negative_dims(int index, short value)
    {
        var b = Valid();
        SetI16(b, V1.Dim + 2 * index, value);
        Fails(Save($"dim{index}_{value}.nii", b), $"dim[{index}]");
    }

    [Fact]
    public void Voxel_count_larger_than_file_is_refused_before_allocating()
    {
        var b = Valid();
        SetI16(b, V1.Dim + 2, 32767);
        SetI16(b, V1.Dim + 4, 32767);
        SetI16(b, V1.Dim + 6, 2000); // 2·10¹² voxels: would be an OutOfMemory if allocated
        Fails(Save("huge.nii", b), "one volume has");
        SetI16(b, V1.Dim + 6, 1); // 1.07·10⁹ voxels: fits a float[] but not this file
        Fails(Save("big.nii", b), "truncated data");
        Fails(Save("big.nii.gz", b, gzip: true), "cannot fit");
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(2, -1.5f)]
    [InlineData(3, float.NaN)]
    [InlineData(1, float.PositiveInfinity)]
    public void Zero_nan_or_negative_spacing(int axis, float value)
    {
        var b = Valid();
        SetF32(b, V1.Pixdim + 4 * axis, value);
        Fails(Save($"pixdim{axis}.nii", b), $"pixdim[{axis}]");
    }

    [Theory]
    [InlineData(128, "rgb24")]
    [InlineData(32, "complex64")]
    [InlineData(1792, "complex128")]
    [InlineData(7, "code 7")]
    public void Unsupported_datatype(short code, string name)
    {
        var b = Valid();
        SetI16(b, V1.Datatype, code);
        var e = Fails(Save($"type{code}.nii", b), "unsupported datatype");
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_img_of_a_pair()
    {
        var b = Valid()[..352];
        "ni1\0"u8.CopyTo(b.AsSpan(V1.Magic));
        string hdr = Save("lonely.hdr", b);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(hdr));
        Assert.Contains("lonely.img", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing image file", e.Message, StringComparison.Ordinal);
        Assert.Contains("lonely.hdr", e.Message, StringComparison.Ordinal);
        Assert.True(NiftiReader.ReadHeader(hdr).IsPair); // the header alone is still readable
    }

    [Fact]
    public void Nan_vox_offset_and_invalid_intercept()
    {
        var b = Valid();
        SetF32(b, V1.VoxOffset, float.NaN);
        Fails(Save("offset.nii", b), "vox_offset");
        b = Valid();
        SetF32(b, V1.SclSlope, 2);
        SetF32(b, V1.SclInter, float.NaN);
        Fails(Save("inter.nii", b), "scl_inter");
    }

    [Fact]
    public void Slope_zero_or_nan_means_no_scaling()
    {
        var expected = NiftiTestFiles.SmallVolume().Voxels;
        foreach (float slope in new[] { 0f, float.NaN })
        {
            var b = Valid();
            SetF32(b, V1.SclSlope, slope);
            SetF32(b, V1.SclInter, 100);
            Assert.Equal(expected, NiftiReader.Read(Save("noscale.nii", b)).Volume.Voxels);
        }
    }

    [Fact]
    public void Volume_index_is_bounds_checked()
    {
        string path = Save("three.nii", Valid());
        Assert.Throws<ArgumentOutOfRangeException>(() => NiftiReader.Read(path, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NiftiReader.Read(path, -1));
    }
}
