using Spark3D.Data.Sampling;
using Spark3D.Data.Tests.Cache;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Sampling;

public class RandomPatchSamplerTests
{
    [Fact]
    public void Origins_cover_every_valid_position_uniformly()
    {
        var sampler = new RandomPatchSampler(new Shape3(8, 8, 8));
        var vol = new Shape3(12, 8, 10); // 5, 1 and 3 valid positions
        var rng = new Random(1);
        var counts = new int[5];
        for (int i = 0; i < 5000; i++)
        {
            var (x, y, z) = sampler.SampleOrigin(vol, rng);
            Assert.InRange(x, 0, 4);
            Assert.Equal(0, y);
            Assert.InRange(z, 0, 2);
            counts[x]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void Small_volumes_are_placed_inside_the_patch_with_padding()
    {
        var sampler = new RandomPatchSampler(new Shape3(16, 16, 16));
        var vol = new Shape3(10, 16, 30);
        var rng = new Random(2);
        var seen = new HashSet<int>();
        for (int i = 0; i < 500; i++)
        {
            var (x, y, z) = sampler.SampleOrigin(vol, rng);
            Assert.InRange(x, -6, 0);
            Assert.Equal(0, y);
            Assert.InRange(z, 0, 14);
            seen.Add(x);
        }
        Assert.Equal(7, seen.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence()
    {
        var sampler = new RandomPatchSampler(new Shape3(160, 160, 160));
        var vol = new Shape3(193, 229, 150);
        var r1 = new Random(42);
        var r2 = new Random(42);
        var s1 = Enumerable.Range(0, 50).Select(_ => sampler.SampleOrigin(vol, r1)).ToArray();
        var s2 = Enumerable.Range(0, 50).Select(_ => sampler.SampleOrigin(vol, r2)).ToArray();
        Assert.Equal(s1, s2);
        Assert.True(s1.Distinct().Count() > 40);
    }

    [Fact]
    public void Foreground_oversampling_puts_the_chosen_voxel_near_the_patch_centre()
    {
        var patch = new Shape3(32, 32, 32);
        var sampler = new RandomPatchSampler(patch);
        var vol = new Shape3(200, 200, 200);
        var fg = new List<(int x, int y, int z)> { (100, 50, 150), (120, 130, 60) };
        var rng = new Random(3);
        for (int i = 0; i < 50; i++)
        {
            var (x, y, z) = sampler.SampleOrigin(vol, rng, fg, 1.0);
            Assert.Contains(fg, f => f.x - x == 16 && f.y - y == 16 && f.z - z == 16);
        }
        // Near the border the patch is clamped inside the volume but still contains the voxel.
        var edge = new List<(int x, int y, int z)> { (1, 198, 0) };
        var o = sampler.SampleOrigin(vol, rng, edge, 1.0);
        Assert.Equal((0, 168, 0), o);
        // Probability 0 never consumes a foreground draw; the result is a uniform sample.
        var r1 = new Random(9);
        var r2 = new Random(9);
        Assert.Equal(sampler.SampleOrigin(vol, r1), sampler.SampleOrigin(vol, r2, fg, 0.0));
    }

    [Fact]
    public void Foreground_probability_is_honoured()
    {
        var sampler = new RandomPatchSampler(new Shape3(16, 16, 16));
        var vol = new Shape3(256, 256, 256);
        var fg = new List<(int x, int y, int z)> { (128, 128, 128) };
        var rng = new Random(4);
        int centred = Enumerable.Range(0, 4000).Count(_ => sampler.SampleOrigin(vol, rng, fg, 0.33) == (120, 120, 120));
        Assert.InRange(centred, 1200, 1450);
    }

    [Fact]
    public void In_memory_crop_matches_the_per_voxel_reference_and_patches_carry_their_origin()
    {
        var vol = TestVolumes.Smooth(new Shape3(21, 13, 17));
        var size = new Shape3(16, 16, 8);
        var rng = new Random(5);
        for (int i = 0; i < 30; i++)
        {
            var origin = (rng.Next(-20, 25), rng.Next(-20, 18), rng.Next(-10, 20));
            var p = vol.Crop(origin, size);
            Assert.Equal(ChunkedVolumeRoundTripTests.Reference(vol, origin.Item1, origin.Item2, origin.Item3, size), p.Voxels);
            Assert.Equal(origin, p.Origin);
            Assert.Equal(size, p.Shape);
        }
    }
}
