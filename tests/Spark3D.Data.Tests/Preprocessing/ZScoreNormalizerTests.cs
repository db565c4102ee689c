using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

public class ZScoreNormalizerTests
{
    private static Volume Make(params float[] values) =>
        new(values, new Shape3(values.Length, 1, 1), new Spacing3(1, 1, 1), Affine.Identity);

    [Fact]
    public void Foreground_statistics_ignore_zeros_and_keep_background_zero()
    {
        var (v, stats) = ZScoreNormalizer.Normalize(Make(0, 2, 4, 0, 6, 0));
        Assert.Equal(3, stats.Count);
        Assert.Equal(4, stats.Mean, 12);
        Assert.Equal(Math.Sqrt(8.0 / 3), stats.Std, 12);
        Assert.Equal(2, stats.Min);
        Assert.Equal(6, stats.Max);
        double s = Math.Sqrt(8.0 / 3);
        var expected = new[] { 0, -2 / s, 0, 0, 2 / s, 0 };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], v.Voxels[i], 6);
        Assert.Equal(0f, v.Voxels[3]); // background stays exactly zero
    }

    [Fact]
    public void All_voxels_mode_uses_and_normalises_every_voxel()
    {
        var (v, stats) = ZScoreNormalizer.Normalize(Make(0, 2, 4, 0, 6, 0), new ZScoreOptions(ZScoreMode.AllVoxels));
        Assert.Equal(6, stats.Count);
        Assert.Equal(2, stats.Mean, 12);
        Assert.Equal(0, stats.Min);
        Assert.Equal(0, v.Voxels.Average(), 6);
        Assert.Equal(1, Math.Sqrt(v.Voxels.Average(x => x * x)), 5);
        Assert.True(v.Voxels[0] < 0);
    }

    [Theory]
    [InlineData(ZScoreMode.Nonzero)]
    [InlineData(ZScoreMode.AllVoxels)]
    public void Constant_volume_is_centred_and_finite(ZScoreMode mode)
    {
        var (v, stats) = ZScoreNormalizer.Normalize(Make(5, 5, 5, 5), new ZScoreOptions(mode));
        Assert.Equal(0, stats.Std);
        Assert.Equal(1, stats.Divisor);
        Assert.All(v.Voxels, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void All_zero_volume_has_no_foreground_and_stays_zero()
    {
        var (v, stats) = ZScoreNormalizer.Normalize(Make(0, 0, 0));
        Assert.Equal(0, stats.Count);
        Assert.All(v.Voxels, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void NaN_or_Inf_voxels_give_a_typed_error()
    {
        var e = Assert.Throws<NonFiniteVoxelsException>(() => ZScoreNormalizer.Normalize(Make(1, float.NaN, 3, float.PositiveInfinity)));
        Assert.Equal(2, e.Count);
    }

    [Fact]
    public void Large_volume_statistics_match_a_direct_double_computation()
    {
        var s = new Shape3(40, 30, 20);
        var rng = new Random(7);
        var vox = new float[s.Count];
        for (int i = 0; i < vox.Length; i++) vox[i] = i % 5 == 0 ? 0 : 1000 + (float)rng.NextDouble() * 3;
        var (v, stats) = ZScoreNormalizer.Normalize(new Volume(vox, s, new Spacing3(1, 1, 1), Affine.Identity));
        var fg = vox.Where(x => x != 0).Select(x => (double)x).ToArray();
        double mean = fg.Average();
        Assert.Equal(mean, stats.Mean, 9);
        Assert.Equal(Math.Sqrt(fg.Average(x => (x - mean) * (x - mean))), stats.Std, 9);
        var outFg = v.Voxels.Where((_, i) => vox[i] != 0).Select(x => (double)x).ToArray();
        Assert.Equal(0, outFg.Average(), 4);
        Assert.Equal(1, Math.Sqrt(outFg.Average(x => x * x)), 4);
    }
}
