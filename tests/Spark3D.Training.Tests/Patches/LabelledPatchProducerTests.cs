using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Batches;
using Spark3D.Training.Patches;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Tests.Patches;

public sealed class LabelledPatchProducerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-ftprod-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Patches_carry_aligned_labels_and_foreground_oversampling_hits_foreground()
    {
        var catalog = SmallLabelledPhantoms.Write(_dir, 2);
        var producer = new LabelledPatchProducer(catalog, new LabelledPatchOptions(SmallLabelledPhantoms.Preprocess, new Shape3(16, 16, 16),
            ForegroundProbability: 1.0, Mirror: true, CacheCapacity: 1));
        // Per-class mean intensity over the whole preprocessed volumes: a patch whose labels were cropped or flipped
        // differently from its image would mix the classes and pull the means together.
        var whole = new double[5];
        var wholeCount = new long[5];
        foreach (var v in catalog.Volumes)
        {
            var c = producer.Load(v);
            for (int k = 0; k < c.Labels.Voxels.Length; k++) { int l = (int)c.Labels.Voxels[k]; whole[l] += c.Image.Voxels[k]; wholeCount[l]++; }
        }
        var sum = new double[5];
        var count = new long[5];
        var rng = new Random(3);
        for (int i = 0; i < 16; i++)
        {
            var patch = producer.Produce(catalog.Volumes[i % 2], rng);
            Assert.Equal((16, 16, 16), (patch.D, patch.H, patch.W));
            Assert.NotNull(patch.Labels);
            Assert.All(patch.Labels!, l => Assert.InRange(l, 0, 4));
            Assert.Contains(patch.Labels!, l => l > 0); // centred on a foreground voxel
            for (int k = 0; k < patch.VoxelCount; k++) { int l = (int)patch.Labels![k]; sum[l] += patch.Voxels[k]; count[l]++; }
        }
        Assert.Equal(1, producer.CachedCases); // LRU of capacity 1
        double csf = whole[1] / wholeCount[1], wm = whole[3] / wholeCount[3];
        Assert.True(Math.Abs(wm - csf) > 0.5, $"phantom classes should differ in intensity (csf {csf}, wm {wm})");
        foreach (int l in new[] { 1, 2, 3 })
            Assert.True(Math.Abs(sum[l] / count[l] - whole[l] / wholeCount[l]) < 0.25 * Math.Abs(wm - csf),
                $"class {l}: patch mean {sum[l] / count[l]:F3} vs volume mean {whole[l] / wholeCount[l]:F3}");
    }

    [Fact]
    public void Preprocessed_labels_follow_the_image_grid()
    {
        var catalog = SmallLabelledPhantoms.Write(_dir, 1);
        var producer = new LabelledPatchProducer(catalog, new LabelledPatchOptions(SmallLabelledPhantoms.Preprocess, new Shape3(16, 16, 16)));
        var c = producer.Load(catalog.Volumes[0]);
        Assert.Equal(c.Image.Shape, c.Labels.Shape);
        Assert.Equal(new Spacing3(4, 4, 4).X, c.Image.Spacing.X, 0.5);
        Assert.True(c.ForegroundByClass.Count >= 3); // csf, gm, wm at least
        Assert.All(c.Labels.Voxels, l => Assert.Equal(MathF.Round(l), l)); // nearest: no blended label values
    }

    [Fact]
    public void Mirroring_flips_each_requested_axis_and_is_its_own_inverse()
    {
        int d = 2, h = 3, w = 4;
        var a = Enumerable.Range(0, d * h * w).Select(i => (float)i).ToArray();
        var f = MirrorAugmentation.Apply(a, d, h, w, (true, false, true));
        // voxel (z,y,x) moves to (d-1-z, y, w-1-x)
        Assert.Equal(a[0 + w * (1 + h * 0)], f[(w - 1) + w * (1 + h * (d - 1))]);
        Assert.Equal(a, MirrorAugmentation.Apply(f, d, h, w, (true, false, true)));
        Assert.Same(a, MirrorAugmentation.Apply(a, d, h, w, (false, false, false)));
    }

    [Fact]
    public void No_mask_factory_leaves_everything_visible()
    {
        var p = new TrainingPatch(new float[8], 2, 2, 2, new float[8]);
        var batch = new NoMaskFactory().Assemble([p, p], new Random(1));
        Assert.Equal(0, batch.MaskRatio);
        Assert.All(batch.Mask, m => Assert.False(m));
        Assert.Throws<ArgumentException>(() => new NoMaskFactory().Assemble([new TrainingPatch(new float[8], 2, 2, 2)], new Random(1)));
    }
}
