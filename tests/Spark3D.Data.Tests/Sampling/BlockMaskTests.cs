using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Sampling;

public class BlockMaskTests
{
    [Fact]
    public void Masked_count_is_exactly_floor_ratio_times_cells_for_random_ratios()
    {
        var gen = new BlockMaskGenerator(new Shape3(160, 160, 160));
        Assert.Equal(new Shape3(10, 10, 10), gen.Grid);
        var rng = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            double ratio = i == 0 ? 0.75 : i == 1 ? 0 : i == 2 ? 1 : rng.NextDouble();
            var m = gen.Generate(rng, ratio);
            int expected = (int)Math.Floor(ratio * 1000);
            Assert.Equal(expected, m.MaskedCount);
            Assert.Equal(expected, m.Visible.Count(v => v == 0));
            Assert.Equal(1000 - expected, m.VisibleCount);
            Assert.All(m.Visible, v => Assert.True(v is 0 or 1));
            Assert.Equal(ratio, m.Ratio);
        }
        Assert.Equal(750, gen.Generate(rng, 0.75).MaskedCount);
    }

    [Fact]
    public void Block_32_gives_the_papers_5_cubed_grid_and_anisotropic_patches_work()
    {
        Assert.Equal(new Shape3(5, 5, 5), new BlockMaskGenerator(new Shape3(160, 160, 160), 32).Grid);
        var g = new BlockMaskGenerator(new Shape3(64, 32, 48), 16);
        Assert.Equal(new Shape3(4, 2, 3), g.Grid);
        Assert.Equal(18, g.Generate(new Random(0), 0.75).MaskedCount);
    }

    [Fact]
    public void A_patch_not_divisible_by_the_block_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new BlockMaskGenerator(new Shape3(160, 150, 160), 16));
        Assert.Contains("divisible", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockMaskGenerator(new Shape3(16, 16, 16), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockMaskGenerator(new Shape3(16, 16, 16), 4).Generate(new Random(0), 1.2));
    }

    [Fact]
    public void Masks_are_reproducible_with_a_seed_and_differ_between_draws()
    {
        var gen = new BlockMaskGenerator(new Shape3(64, 64, 64), 8);
        var a = gen.Generate(new Random(7), 0.6);
        var b = gen.Generate(new Random(7), 0.6);
        Assert.Equal(a.Visible, b.Visible);
        var rng = new Random(7);
        var c = gen.Generate(rng, 0.6);
        var d = gen.Generate(rng, 0.6);
        Assert.NotEqual(c.Visible, d.Visible);
    }

    [Fact]
    public void Every_cell_is_masked_with_probability_close_to_the_ratio()
    {
        var gen = new BlockMaskGenerator(new Shape3(64, 64, 64), 16); // 64 cells
        var rng = new Random(8);
        var maskedTimes = new int[64];
        const int draws = 4000;
        for (int i = 0; i < draws; i++)
        {
            var m = gen.Generate(rng, 0.75);
            for (int c = 0; c < 64; c++) if (m.Visible[c] == 0) maskedTimes[c]++;
        }
        Assert.All(maskedTimes, t => Assert.InRange(t / (double)draws, 0.70, 0.80));
    }

    [Fact]
    public void Upsampling_repeats_each_cell_over_its_block()
    {
        var gen = new BlockMaskGenerator(new Shape3(32, 48, 16), 16);
        var m = gen.Generate(new Random(2), 0.5);
        var target = new Shape3(8, 12, 4); // ×4 repeat of the 2×3×1 grid
        var up = m.UpsampleTo(target);
        for (int z = 0; z < target.Z; z++)
            for (int y = 0; y < target.Y; y++)
                for (int x = 0; x < target.X; x++)
                    Assert.Equal(m.Visible[m.Grid.Index(x / 4, y / 4, z / 4)], up[target.Index(x, y, z)]);
        Assert.Equal(m.VisibleCount * 64, up.Count(v => v == 1));
        Assert.Throws<ArgumentException>(() => m.UpsampleTo(new Shape3(9, 12, 4)));
    }

    [Fact]
    public void Dynamic_ratio_is_uniform_in_range_and_fixed_ratio_is_constant()
    {
        var dyn = new MaskRatioPolicy(new MaskOptions(Dynamic: true));
        var rng = new Random(3);
        var r = Enumerable.Range(0, 5000).Select(_ => dyn.NextRatio(rng)).ToArray();
        Assert.All(r, v => Assert.InRange(v, 0.6, 0.9));
        Assert.InRange(r.Average(), 0.74, 0.76);
        Assert.True(r.Min() < 0.61 && r.Max() > 0.89);
        var a = new MaskRatioPolicy(new MaskOptions(Dynamic: true, Min: 0.3, Max: 0.5));
        Assert.Equal(a.NextRatio(new Random(4)), a.NextRatio(new Random(4)));

        var fixedPolicy = new MaskRatioPolicy(new MaskOptions());
        Assert.False(fixedPolicy.IsDynamic);
        Assert.Equal(0.75, fixedPolicy.NextRatio(rng));
        Assert.Throws<ArgumentException>(() => new MaskRatioPolicy(new MaskOptions(Dynamic: true, Min: 0.9, Max: 0.6)));
        Assert.Throws<ArgumentException>(() => new MaskRatioPolicy(new MaskOptions(Ratio: 1.5)));
    }
}
