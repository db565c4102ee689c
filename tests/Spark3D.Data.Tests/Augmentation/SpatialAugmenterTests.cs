using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Augmentation;

public class SpatialAugmenterTests
{
    private static Volume Ramp(Shape3 s, Func<int, int, int, float> f)
    {
        var v = new float[s.Count];
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                    v[s.Index(x, y, z)] = f(x, y, z);
        return new Volume(v, s, Spacing3.Isotropic1mm, Affine.Identity);
    }

    private static Volume Unique(Shape3 s) => Ramp(s, (x, y, z) => 1 + x + 100 * y + 10000 * z);

    [Fact]
    public void Augmented_patches_keep_their_shape_and_are_reproducible()
    {
        var vol = new VolumeCropSource(Unique(new Shape3(40, 36, 30)));
        var aug = new SpatialAugmenter(AugmentationOptions.Default with { RotationProbability = 0.5, ScaleProbability = 0.5 });
        var size = new Shape3(24, 20, 16);
        int resampled = 0;
        for (int seed = 0; seed < 30; seed++)
        {
            var t = aug.Draw(new Random(seed));
            if (t.NeedsResampling) resampled++;
            var a = aug.Extract(vol, (5, 4, 3), size, new Random(seed));
            var b = aug.Extract(vol, (5, 4, 3), size, new Random(seed));
            Assert.Equal(size.Count, a.Length);
            Assert.Equal(a, b);
            Assert.All(a, v => Assert.True(float.IsFinite(v)));
        }
        Assert.InRange(resampled, 5, 29); // both the crop path and the resampling path were exercised
    }

    [Fact]
    public void Mirroring_flips_each_axis_exactly()
    {
        var s = new Shape3(5, 4, 3);
        var src = Unique(s).Voxels;
        foreach (var (mx, my, mz) in new[] { (true, false, false), (false, true, false), (false, false, true), (true, true, true) })
        {
            var v = (float[])src.Clone();
            PatchMirror.Apply(v, s, mx, my, mz);
            for (int z = 0; z < s.Z; z++)
                for (int y = 0; y < s.Y; y++)
                    for (int x = 0; x < s.X; x++)
                        Assert.Equal(src[s.Index(mx ? s.X - 1 - x : x, my ? s.Y - 1 - y : y, mz ? s.Z - 1 - z : z)], v[s.Index(x, y, z)]);
            PatchMirror.Apply(v, s, mx, my, mz);
            Assert.Equal(src, v); // an involution
        }
    }

    [Fact]
    public void Mirror_only_transform_is_the_flipped_crop()
    {
        var vol = new VolumeCropSource(Unique(new Shape3(20, 20, 20)));
        var size = new Shape3(8, 6, 4);
        var crop = vol.ReadPatch((3, 4, 5), size).Voxels;
        PatchMirror.Apply(crop, size, true, false, true);
        var t = SpatialTransformParams.Identity with { MirrorX = true, MirrorZ = true };
        Assert.Equal(crop, SpatialAugmenter.Extract(vol, (3, 4, 5), size, t));
    }

    [Fact]
    public void Resampling_with_rotation_zero_and_scale_one_is_the_identity()
    {
        var srcShape = new Shape3(14, 12, 10);
        var src = Unique(srcShape).Voxels;
        var identity = new SpatialTransformParams(false, false, false, 0, 0, 0, 1).SourceMatrix();
        var dstShape = new Shape3(10, 8, 6); // equal parity per axis → integer source positions
        var dst = new float[dstShape.Count];
        SpatialAugmenter.ResampleCentred(src, srcShape, identity, dst, dstShape);
        var expected = new VolumeCropSource(new Volume(src, srcShape, Spacing3.Isotropic1mm, Affine.Identity)).ReadPatch((2, 2, 2), dstShape).Voxels;
        Assert.Equal(expected, dst);
        Assert.Equal(new Shape3(1, 1, 1), SpatialAugmenter.MarginFor(identity, dstShape));
    }

    [Fact]
    public void Rotation_about_z_by_90_degrees_turns_an_x_ramp_into_a_y_ramp()
    {
        var vol = new VolumeCropSource(Ramp(new Shape3(48, 48, 48), (x, _, _) => x));
        var size = new Shape3(16, 16, 16);
        var origin = (16, 16, 16);
        var t = SpatialTransformParams.Identity with { RotateZ = Math.PI / 2 };
        var p = SpatialAugmenter.Extract(vol, origin, size, t);
        // Source offset = Rz(90°)·d: dx_src = −dy, so value = centre_x − (y − 7.5).
        for (int z = 0; z < size.Z; z++)
            for (int y = 0; y < size.Y; y++)
                for (int x = 0; x < size.X; x++)
                    Assert.Equal(16 + 7.5 - (y - 7.5), p[size.Index(x, y, z)], 3);
    }

    [Fact]
    public void Scale_multiplies_coordinates_about_the_patch_centre()
    {
        var vol = new VolumeCropSource(Ramp(new Shape3(64, 64, 64), (x, y, z) => x + 2 * y + 3 * z));
        var size = new Shape3(12, 10, 8);
        var t = SpatialTransformParams.Identity with { Scale = 1.4 };
        var p = SpatialAugmenter.Extract(vol, (20, 20, 20), size, t);
        double cx = 20 + 5.5, cy = 20 + 4.5, cz = 20 + 3.5;
        for (int z = 0; z < size.Z; z++)
            for (int y = 0; y < size.Y; y++)
                for (int x = 0; x < size.X; x++)
                {
                    double sx = cx + 1.4 * (x - 5.5), sy = cy + 1.4 * (y - 4.5), sz = cz + 1.4 * (z - 3.5);
                    Assert.Equal(sx + 2 * sy + 3 * sz, p[size.Index(x, y, z)], 2); // trilinear is exact on a linear field
                }
    }

    [Fact]
    public void Outside_the_volume_is_zero_filled()
    {
        var s = new Shape3(16, 16, 16);
        var vol = new VolumeCropSource(Ramp(s, (_, _, _) => 1f));
        var t = SpatialTransformParams.Identity with { RotateZ = Math.PI / 4 };
        var p = SpatialAugmenter.Extract(vol, (0, 0, 0), s, t);
        Assert.Equal(0f, p[s.Index(0, 0, 8)]);   // rotated corner lies outside the volume
        Assert.Equal(1f, p[s.Index(8, 8, 8)], 5); // centre stays inside
    }

    [Fact]
    public void Draws_follow_the_configured_probabilities_and_ranges()
    {
        var aug = new SpatialAugmenter(AugmentationOptions.Default);
        var rng = new Random(11);
        int n = 20000, mirror = 0, rot = 0, scale = 0;
        for (int i = 0; i < n; i++)
        {
            var t = aug.Draw(rng);
            if (t.MirrorY) mirror++;
            if (t.RotateX != 0) rot++;
            if (t.Scale != 1) scale++;
            Assert.InRange(Math.Abs(t.RotateZ), 0, Math.PI / 6 + 1e-12);
            Assert.InRange(t.Scale, 0.7, 1.4);
        }
        Assert.InRange(mirror / (double)n, 0.48, 0.52);
        Assert.InRange(rot / (double)n, 0.18, 0.22);
        Assert.InRange(scale / (double)n, 0.18, 0.22);
    }

    [Fact]
    public void Disabled_augmentation_draws_nothing_and_returns_the_plain_crop()
    {
        var aug = new SpatialAugmenter(AugmentationOptions.None);
        var rng = new Random(5);
        Assert.Equal(SpatialTransformParams.Identity, aug.Draw(rng));
        Assert.Equal(new Random(5).Next(), rng.Next());
        var vol = new VolumeCropSource(Unique(new Shape3(10, 10, 10)));
        Assert.Equal(vol.ReadPatch((1, 2, 3), new Shape3(4, 4, 4)).Voxels, aug.Extract(vol, (1, 2, 3), new Shape3(4, 4, 4), new Random(1)));
    }

    [Theory]
    [InlineData(1.5, 0.2, 0.7, 1.4)]
    [InlineData(0.5, -0.1, 0.7, 1.4)]
    [InlineData(0.5, 0.2, 0, 1.4)]
    [InlineData(0.5, 0.2, 1.4, 0.7)]
    public void Bad_options_are_rejected(double mirror, double rotation, double smin, double smax) =>
        Assert.Throws<ArgumentException>(() => new SpatialAugmenter(new AugmentationOptions(true, mirror, rotation, 30, 0.2, smin, smax)));
}
