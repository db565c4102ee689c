using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Tests.Shared;
using Spark3D.Training.Patches;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Tests.Patches;

public class CachePatchProducerTests
{
    private static readonly Shape3 Size = new(32, 24, 16);

    [Fact]
    public void Produces_patches_of_the_configured_size_reproducibly_from_a_phantom_cache_file()
    {
        using var fx = new DataFixture();
        var phantom = DataFixture.Phantom(0);
        var file = new VolumeRef("p0", fx.WriteCache("p0.s3d", phantom));
        using var producer = new CachePatchProducer(new PatchProducerOptions(Size));

        var a = producer.Produce(file, new Random(3));
        var b = producer.Produce(file, new Random(3));
        var c = producer.Produce(file, new Random(4));

        Assert.Equal(Size, a.Shape);
        Assert.Equal(Size.Count, a.Voxels.Length);
        Assert.Equal(a.Voxels, b.Voxels);
        Assert.NotEqual(a.Voxels, c.Voxels);
        Assert.Contains(a.Voxels, v => v != 0);
    }

    [Fact]
    public void Unaugmented_patch_is_the_crop_at_the_sampled_origin_X_fastest()
    {
        using var fx = new DataFixture();
        var s = new Shape3(40, 30, 20);
        var vol = DataFixture.Filled(s, i => i);
        var file = new VolumeRef("v", fx.WriteCache("v.s3d", vol));
        using var producer = new CachePatchProducer(new PatchProducerOptions(Size) { Augmentation = AugmentationOptions.None });

        var p = producer.Produce(file, new Random(9));

        // Same draws as the producer: origin x, y, z from RandomPatchSampler.
        var rng = new Random(9);
        int x0 = rng.Next(0, s.X - Size.X + 1), y0 = rng.Next(0, s.Y - Size.Y + 1), z0 = rng.Next(0, s.Z - Size.Z + 1);
        Assert.Equal((x0, y0, z0), p.Origin);
        for (int z = 0; z < p.Shape.Z; z += 5)
            for (int y = 0; y < p.Shape.Y; y += 3)
                for (int x = 0; x < p.Shape.X; x += 7)
                    Assert.Equal(vol[x0 + x, y0 + y, z0 + z], p.Voxels[p.Shape.Index(x, y, z)]);
    }

    [Fact]
    public void Volumes_smaller_than_the_patch_are_zero_padded()
    {
        using var fx = new DataFixture();
        var small = new Shape3(20, 10, 12);
        var file = new VolumeRef("s", fx.WriteCache("s.s3d", DataFixture.Filled(small, _ => 2f)));
        using var producer = new CachePatchProducer(new PatchProducerOptions(Size) { Augmentation = AugmentationOptions.None });

        for (int seed = 0; seed < 5; seed++)
        {
            var p = producer.Produce(file, new Random(seed));
            Assert.Equal(Size.Count, p.Voxels.Length);
            Assert.Equal(small.Count, p.Voxels.Count(v => v == 2f)); // the whole volume is inside the patch
            Assert.Equal(Size.Count - small.Count, p.Voxels.Count(v => v == 0f));
        }
    }

    [Fact]
    public void Four_threads_get_the_same_patches_as_one_thread_while_files_are_evicted()
    {
        using var fx = new DataFixture();
        var files = Enumerable.Range(0, 3).Select(i => new VolumeRef($"p{i}", fx.WriteCache($"p{i}.s3d", DataFixture.Phantom(i)))).ToArray();
        var options = new PatchProducerOptions(Size) { MaxOpenFiles = 2 };
        const int PerThread = 24;

        Patch Make(CachePatchProducer pr, int t, int j) => pr.Produce(files[(t + j) % files.Length], new Random(1000 * t + j));

        using var sequentialProducer = new CachePatchProducer(options);
        var expected = Enumerable.Range(0, 4).Select(t => Enumerable.Range(0, PerThread).Select(j => Make(sequentialProducer, t, j).Voxels).ToArray()).ToArray();

        using var shared = new CachePatchProducer(options);
        var got = new float[4][][];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            got[t] = Enumerable.Range(0, PerThread).Select(j => Make(shared, t, j).Voxels).ToArray())).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());

        for (int t = 0; t < 4; t++)
            for (int j = 0; j < PerThread; j++)
                Assert.Equal(expected[t][j], got[t][j]);
        Assert.InRange(shared.OpenFiles, 1, 2);
    }

    [Fact]
    public void A_corrupt_cache_file_is_unusable_and_a_missing_one_not_found()
    {
        using var fx = new DataFixture();
        string path = fx.WriteCache("bad.s3d", DataFixture.Phantom(1));
        var bytes = File.ReadAllBytes(path);
        bytes[3] ^= 0x55; // break the magic
        File.WriteAllBytes(path, bytes);
        using var producer = new CachePatchProducer(new PatchProducerOptions(Size));

        var e = Assert.Throws<UnusableVolumeException>(() => producer.Produce(new VolumeRef("bad", path), new Random(1)));
        Assert.Equal(path, e.FilePath);
        Assert.IsNotAssignableFrom<IOException>(e); // quarantined at once, not retried
        Assert.Throws<FileNotFoundException>(() => producer.Produce(new VolumeRef("gone", fx.PathOf("gone.s3d")), new Random(1)));
        Assert.Equal(0, producer.OpenFiles);
    }
}
