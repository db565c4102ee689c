using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Batches;
using Spark3D.Training.Patches;

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
            Assert.Equal(new Shape3(16, 16, 16), patch.Shape);
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
    public void Mirroring_flips_image_and_labels_along_the_same_axes()
    {
        var catalog = SmallLabelledPhantoms.Write(_dir, 1);
        var size = new Shape3(16, 16, 16);
        LabelledPatchProducer Producer(bool mirror) =>
            new(catalog, new LabelledPatchOptions(SmallLabelledPhantoms.Preprocess, size, ForegroundProbability: 1.0, Mirror: mirror));
        var (plain, mirrored) = (Producer(false), Producer(true));
        int flipped = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            // Same seed, same crop (the flips are drawn after the origin): the mirrored patch is the plain one flipped.
            var a = plain.Produce(catalog.Volumes[0], new Random(seed));
            var b = mirrored.Produce(catalog.Volumes[0], new Random(seed));
            var axes = AllFlips().Where(f => Flip(a.Voxels, size, f).SequenceEqual(b.Voxels)).ToList();
            Assert.NotEmpty(axes);
            Assert.Contains(axes, f => Flip(a.Labels!, size, f).SequenceEqual(b.Labels!));
            if (!axes.Contains((false, false, false))) flipped++;
        }
        Assert.True(flipped > 0, "no patch was mirrored in 12 draws");
    }

    private static IEnumerable<(bool X, bool Y, bool Z)> AllFlips() =>
        from x in new[] { false, true } from y in new[] { false, true } from z in new[] { false, true } select (x, y, z);

    private static float[] Flip(float[] voxels, Shape3 size, (bool X, bool Y, bool Z) f)
    {
        var copy = (float[])voxels.Clone();
        PatchMirror.Apply(copy, size, f.X, f.Y, f.Z);
        return copy;
    }

    [Fact]
    public void Labelled_batches_have_no_mask_and_need_labels()
    {
        var p = new Patch(new float[8], new Shape3(2, 2, 2), new float[8]);
        var batch = new LabelledBatchAssembler().Assemble([p, p], new Random(1));
        Assert.Null(batch.Mask);
        Assert.Equal(0, batch.MaskRatio);
        Assert.Throws<ArgumentException>(() => new LabelledBatchAssembler().Assemble([new Patch(new float[8], new Shape3(2, 2, 2))], new Random(1)));
    }
}
