using Spark3D.Data.Nifti;
using Spark3D.Data.Tests.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Nifti;

/// <summary><see cref="NiftiReader.ReadAll"/> reads every volume in one pass; it must equal reading them one by one.</summary>
public class NiftiReadAllTests
{
    [Fact]
    public void ReadAll_equals_reading_each_volume_on_its_own()
    {
        string variants = Directory.CreateTempSubdirectory("spark3d-readall-").FullName;
        try
        {
            NibabelReference.Run([], variants); // writes 4-D/5-D files, pairs, every datatype and byte order
            var files = NibabelReference.RealFiles().Concat(Directory.EnumerateFiles(variants)
                .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal)
                            || f.EndsWith(".hdr", StringComparison.Ordinal) || f.EndsWith(".hdr.gz", StringComparison.Ordinal)))
                .Where(f => !f.Contains("ch2better", StringComparison.Ordinal)); // 35 M voxels: covered by the decode bench
            int multi = 0, compared = 0;
            foreach (string file in files)
            {
                IReadOnlyList<NiftiImage> all;
                try { all = NiftiReader.ReadAll(file); }
                catch (NiftiFormatException)
                {
                    Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(file));
                    continue;
                }
                Assert.Equal(all[0].Header.VolumeCount, all.Count);
                for (int v = 0; v < all.Count; v++)
                {
                    var one = NiftiReader.Read(file, v);
                    Assert.Equal(v, all[v].VolumeIndex);
                    Assert.Equal(one.Volume.Shape, all[v].Volume.Shape);
                    Assert.Equal(one.Volume.Affine, all[v].Volume.Affine);
                    FusedPreprocessingTests.AssertBitIdentical(one.Volume.Voxels, all[v].Volume.Voxels, $"{Path.GetFileName(file)} volume {v}");
                }
                AssertRawEqualsAll(file, all, 0);
                if (all.Count > 1)
                {
                    AssertRawEqualsAll(file, all, 1);
                    multi++;
                }
                compared++;
            }
            Assert.True(multi >= 4, $"only {multi} multi-volume files");
            Assert.True(compared > 30, $"only {compared} files");
        }
        finally
        {
            Directory.Delete(variants, recursive: true);
        }
    }

    /// <summary>The raw path over volumes <paramref name="first"/>.. (what preprocess and the decode bench read) equals <see cref="NiftiReader.ReadAll"/>.</summary>
    private static void AssertRawEqualsAll(string file, IReadOnlyList<NiftiImage> all, int first)
    {
        int count = all.Count - first;
        var (header, affine, raw) = NiftiReader.ReadRaw(file, first, count, null);
        using (raw)
        {
            long perVolume = header.Shape.Count;
            Assert.Equal(perVolume * count, raw.Count);
            Assert.Equal(all[0].Volume.Affine, affine);
            var floats = new float[raw.Count + 5];
            raw.CopyTo(floats, header.Shape.X);
            for (int v = 0; v < count; v++)
                FusedPreprocessingTests.AssertBitIdentical(all[first + v].Volume.Voxels, floats.AsSpan((int)(v * perVolume), (int)perVolume),
                    $"{Path.GetFileName(file)} raw volume {first + v}");
        }
    }

    [Fact]
    public void Raw_reading_refuses_a_volume_range_beyond_the_file()
    {
        string dir = Directory.CreateTempSubdirectory("spark3d-rawrange-").FullName;
        try
        {
            string file = Path.Combine(dir, "one-volume.nii");
            var volume = new Volume(new float[2 * 3 * 4], new Shape3(2, 3, 4), new Spacing3(1, 1, 1), Affine.Identity);
            NiftiWriter.Write(file, volume);
            Assert.Throws<ArgumentOutOfRangeException>(() => NiftiReader.ReadRaw(file, 0, 2, null));
            Assert.Throws<ArgumentOutOfRangeException>(() => NiftiReader.ReadRaw(file, 0, 0, null));
            Assert.Throws<ArgumentOutOfRangeException>(() => NiftiReader.ReadRaw(file, 1, 1, null));
            var (_, _, raw) = NiftiReader.ReadRaw(file, 0, 1, null);
            using (raw) Assert.Equal(24, raw.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
