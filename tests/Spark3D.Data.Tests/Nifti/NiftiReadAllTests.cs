using Spark3D.Data.Nifti;
using Spark3D.Data.Tests.Preprocessing;

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
                if (all.Count > 1) multi++;
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
}
