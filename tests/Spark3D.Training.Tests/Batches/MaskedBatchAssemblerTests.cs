using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Batches;

namespace Spark3D.Training.Tests.Batches;

public class MaskedBatchAssemblerTests
{
    private static Patch[] Patches(int n, Shape3 s) =>
        Enumerable.Range(0, n).Select(_ => new Patch(new float[s.Count], s)).ToArray();

    [Fact]
    public void Fixed_ratio_masks_exactly_floor_ratio_cells_per_patch()
    {
        var s = new Shape3(64, 64, 64);
        var f = new MaskedBatchAssembler(new MaskOptions(BlockSize: 16, Ratio: 0.75), s);
        var batch = f.Assemble(Patches(3, s), new Random(1));

        var mask = batch.Mask!;
        Assert.Equal(new Shape3(4, 4, 4), mask.Grid);
        Assert.Equal(3 * 64, mask.Cells.Length);
        for (int b = 0; b < 3; b++) Assert.Equal(48, mask.Cells.Skip(b * 64).Take(64).Count(m => m));
        Assert.Equal(0.75, batch.MaskRatio);
        Assert.False(mask.Cells.Take(64).SequenceEqual(mask.Cells.Skip(64).Take(64))); // a new mask per patch
    }

    [Fact]
    public void Dynamic_ratio_is_drawn_once_per_batch()
    {
        var s = new Shape3(32, 32, 32);
        var f = new MaskedBatchAssembler(new MaskOptions(BlockSize: 8, Dynamic: true, Min: 0.6, Max: 0.9), s);
        var rng = new Random(5);
        var counts = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            var batch = f.Assemble(Patches(4, s), rng);
            var perPatch = Enumerable.Range(0, 4).Select(b => batch.Mask!.Cells.Skip(b * 64).Take(64).Count(m => m)).Distinct().ToArray();
            Assert.Single(perPatch);
            Assert.InRange(perPatch[0], (int)(0.6 * 64), (int)(0.9 * 64));
            Assert.Equal(perPatch[0] / 64.0, batch.MaskRatio);
            counts.Add(perPatch[0]);
        }
        Assert.True(counts.Count > 3, "the ratio should vary between batches");
    }

    [Fact]
    public void Grid_is_X_fastest_like_the_patches_and_matches_the_block_mask_generator()
    {
        var s = new Shape3(32, 48, 64); // X, Y, Z
        var options = new MaskOptions(BlockSize: 16, Ratio: 0.5);
        var batch = new MaskedBatchAssembler(options, s).Assemble(Patches(2, s), new Random(7));
        Assert.Equal(new Shape3(2, 3, 4), batch.Mask!.Grid);

        var rng = new Random(7);
        _ = new MaskRatioPolicy(options).NextRatio(rng); // fixed: draws nothing
        var gen = new BlockMaskGenerator(s, 16);
        for (int b = 0; b < 2; b++)
        {
            var m = gen.Generate(rng, 0.5);
            for (int gz = 0; gz < 4; gz++)
                for (int gy = 0; gy < 3; gy++)
                    for (int gx = 0; gx < 2; gx++)
                        Assert.Equal(m.Visible[m.Grid.Index(gx, gy, gz)] == 0, batch.Mask.Cells[b * 24 + gx + 2 * (gy + 3 * gz)]);
        }
    }

    [Fact]
    public void A_patch_of_another_shape_is_rejected()
    {
        var f = new MaskedBatchAssembler(new MaskOptions(BlockSize: 16), new Shape3(32, 32, 32));
        var wrong = Patches(1, new Shape3(32, 32, 16));
        Assert.Throws<ArgumentException>(() => f.Assemble(wrong, new Random(1)));
        Assert.Throws<ArgumentException>(() => new MaskedBatchAssembler(new MaskOptions(BlockSize: 16), new Shape3(40, 32, 32)));
    }
}
