using System.Runtime.CompilerServices;
using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Augmentation;

/// <summary>
/// The faster augmentation (AVX2 sampler, crop clipped to the volume, one-pass mirroring) against the code it replaced,
/// kept here as the reference: same voxels for seeded transforms of every kind.
/// </summary>
public class AugmentationFastPathTests
{
    private static Volume Noise(Shape3 s, int seed)
    {
        var rng = new Random(seed);
        var v = new float[s.Count];
        for (int i = 0; i < v.Length; i++) v[i] = rng.NextDouble() < 0.1 ? 0f : (float)(rng.NextDouble() * 4 - 2);
        return new Volume(v, s, Spacing3.Isotropic1mm, Affine.Identity);
    }

    private static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: voxel {i} is {actual[i]:R}, expected {expected[i]:R}");
    }

    [Fact]
    public void Vector_sampler_is_bit_identical_to_the_scalar_loop()
    {
        var rng = new Random(3);
        var srcShape = new Shape3(61, 53, 47);
        var src = Noise(srcShape, 1).Voxels;
        for (int trial = 0; trial < 40; trial++)
        {
            var t = new SpatialTransformParams(false, false, false, (rng.NextDouble() * 2 - 1) * 0.6, (rng.NextDouble() * 2 - 1) * 0.6,
                (rng.NextDouble() * 2 - 1) * 0.6, trial % 3 == 0 ? 1 : 0.7 + rng.NextDouble() * 0.7);
            var dstShape = new Shape3(17 + trial % 13, 19, 11 + trial % 5); // rows that are and are not multiples of 8
            var expected = new float[dstShape.Count];
            ReferenceResampleCentred(src, srcShape, t.SourceMatrix(), expected, dstShape);
            var actual = new float[dstShape.Count];
            SpatialAugmenter.ResampleCentred(src, srcShape, t.SourceMatrix(), actual, dstShape);
            AssertSame(expected, actual, $"trial {trial}");
        }
    }

    [Fact]
    public void Float_positions_move_samples_by_under_1e4th_of_the_former_double_positions()
    {
        var rng = new Random(9);
        var srcShape = new Shape3(61, 53, 47);
        var src = Noise(srcShape, 1).Voxels; // values in ±2, neighbours independent: the steepest data there is
        double worst = 0;
        int differing = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var t = new SpatialTransformParams(false, false, false, (rng.NextDouble() * 2 - 1) * 0.6, (rng.NextDouble() * 2 - 1) * 0.6,
                (rng.NextDouble() * 2 - 1) * 0.6, 0.7 + rng.NextDouble() * 0.7);
            var dstShape = new Shape3(40, 36, 32);
            var former = new float[dstShape.Count];
            ReferenceResampleCentred(src, srcShape, t.SourceMatrix(), former, dstShape, floatPositions: false);
            var actual = new float[dstShape.Count];
            SpatialAugmenter.ResampleCentred(src, srcShape, t.SourceMatrix(), actual, dstShape);
            for (int i = 0; i < actual.Length; i++)
            {
                double d = Math.Abs(actual[i] - former[i]);
                worst = Math.Max(worst, d);
                if (d > 0) differing++;
            }
        }
        Assert.True(differing > 1000, $"only {differing} voxels differ: the float positions are not in use");
        Assert.True(worst < 1e-4, $"a voxel moved by {worst:g3}");
    }

    [Fact]
    public void Scale_only_sampling_in_three_passes_is_bit_identical_to_the_scalar_loop()
    {
        var rng = new Random(5);
        var srcShape = new Shape3(61, 53, 47);
        var src = Noise(srcShape, 1).Voxels;
        int interpolated = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            // Zoom in and out, including scales that put samples exactly on voxels (weight 0) and past the edges.
            double scale = trial switch { 0 => 1.0001, 1 => 0.5, 2 => 2, 3 => 4, _ => 0.6 + rng.NextDouble() * 1.2 };
            var t = SpatialTransformParams.Identity with { Scale = scale };
            var dstShape = new Shape3(17 + trial % 13, 19 + trial % 7, 11 + trial % 5);
            var expected = new float[dstShape.Count];
            ReferenceResampleCentred(src, srcShape, t.SourceMatrix(), expected, dstShape);
            var actual = new float[dstShape.Count];
            actual.AsSpan().Fill(float.NaN); // every voxel must be written
            SpatialAugmenter.ResampleCentred(src, srcShape, t.SourceMatrix(), actual, dstShape);
            AssertSame(expected, actual, $"trial {trial} scale {scale}");
            interpolated += expected.Count(v => v != 0);
        }
        Assert.True(interpolated > 10_000, $"only {interpolated} non-zero samples: the trials test too little");
    }

    [Fact]
    public void Scale_only_extraction_with_mirroring_at_the_edges_is_bit_identical_to_the_former_one()
    {
        var vol = Noise(new Shape3(70, 64, 58), 6);
        var source = new VolumeCropSource(vol);
        var size = new Shape3(40, 36, 32);
        var rng = new Random(7);
        (int, int, int)[] origins = [(15, 14, 13), (-10, 40, 30), (50, -20, 40), (-30, -30, -30), (69, 63, 57), (200, 0, 0)];
        foreach (var origin in origins)
            for (int mask = 0; mask < 8; mask++)
            {
                var t = new SpatialTransformParams((mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, 0, 0, 0, 0.7 + rng.NextDouble() * 0.7);
                AssertSame(ReferenceExtract(source, origin, size, t), SpatialAugmenter.Extract(source, origin, size, t), $"origin {origin} {t}");
            }
    }

    [Fact]
    public void Extraction_is_bit_identical_to_the_former_unclipped_crop_scalar_sampling_and_mirroring()
    {
        var vol = Noise(new Shape3(70, 64, 58), 2);
        var source = new VolumeCropSource(vol);
        var aug = new SpatialAugmenter(AugmentationOptions.Default with { RotationProbability = 0.6, ScaleProbability = 0.6 });
        var size = new Shape3(40, 36, 32);
        var sampler = new RandomPatchSampler(size);
        int resampled = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            var origin = sampler.SampleOrigin(vol.Shape, rng);
            if (seed % 4 == 0) origin = (-10, 40, 30); // hanging over the edges: most of the crop is outside
            var t = aug.Draw(rng);
            var expected = ReferenceExtract(source, origin, size, t);
            var actual = SpatialAugmenter.Extract(source, origin, size, t);
            if (t.NeedsResampling) resampled++;
            AssertSame(expected, actual, $"seed {seed} {t}");
        }
        Assert.InRange(resampled, 15, 59);
    }

    [Fact]
    public void One_pass_mirroring_equals_flipping_axis_by_axis()
    {
        foreach (var s in new[] { new Shape3(5, 4, 3), new Shape3(8, 7, 6), new Shape3(1, 1, 1), new Shape3(1100, 3, 2), new Shape3(35, 4, 5) })
        {
            var src = Noise(s, 4).Voxels;
            for (int mask = 0; mask < 8; mask++)
            {
                bool mx = (mask & 1) != 0, my = (mask & 2) != 0, mz = (mask & 4) != 0;
                var v = (float[])src.Clone();
                PatchMirror.Apply(v, s, mx, my, mz);
                var copied = new float[src.Length];
                PatchMirror.CopyMirrored(src, copied, s, mx, my, mz);
                for (int z = 0; z < s.Z; z++)
                    for (int y = 0; y < s.Y; y++)
                        for (int x = 0; x < s.X; x++)
                        {
                            float expected = src[s.Index(mx ? s.X - 1 - x : x, my ? s.Y - 1 - y : y, mz ? s.Z - 1 - z : z)];
                            Assert.Equal(expected, v[s.Index(x, y, z)]);
                            Assert.Equal(expected, copied[s.Index(x, y, z)]);
                        }
            }
        }
    }

    /// <summary>The former Extract: the whole crop (zeros outside the volume), scalar sampling, then mirroring.</summary>
    private static float[] ReferenceExtract(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, SpatialTransformParams t)
    {
        var patch = new float[patchSize.Count];
        if (!t.NeedsResampling) source.ReadCrop(origin.X, origin.Y, origin.Z, patchSize, patch);
        else
        {
            var m = t.SourceMatrix();
            var margin = SpatialAugmenter.MarginFor(m, patchSize);
            var cropSize = new Shape3(patchSize.X + 2 * margin.X, patchSize.Y + 2 * margin.Y, patchSize.Z + 2 * margin.Z);
            var crop = new float[cropSize.Count];
            source.ReadCrop(origin.X - margin.X, origin.Y - margin.Y, origin.Z - margin.Z, cropSize, crop);
            ReferenceResampleCentred(crop, cropSize, m, patch, patchSize);
        }
        var s = patchSize;
        var flipped = (float[])patch.Clone();
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                    flipped[s.Index(x, y, z)] = patch[s.Index(t.MirrorX ? s.X - 1 - x : x, t.MirrorY ? s.Y - 1 - y : y, t.MirrorZ ? s.Z - 1 - z : z)];
        return flipped;
    }

    /// <summary>The sampler as a plain scalar loop over the whole zero-padded box. With <paramref name="floatPositions"/> the
    /// positions are the production sampler's (row start rounded to float, then start + m·x in float); without, they are
    /// the former sampler's double positions, verbatim.</summary>
    private static void ReferenceResampleCentred(ReadOnlySpan<float> source, Shape3 sourceSize, double[] m, Span<float> destination, Shape3 destinationSize,
        bool floatPositions = true)
    {
        double csx = (sourceSize.X - 1) / 2.0, csy = (sourceSize.Y - 1) / 2.0, csz = (sourceSize.Z - 1) / 2.0;
        double cdx = (destinationSize.X - 1) / 2.0, cdy = (destinationSize.Y - 1) / 2.0, cdz = (destinationSize.Z - 1) / 2.0;
        int sx = sourceSize.X, sy = sourceSize.Y, sz = sourceSize.Z;
        long splane = (long)sx * sy;
        int i = 0;
        for (int z = 0; z < destinationSize.Z; z++)
        {
            double dz = z - cdz;
            for (int y = 0; y < destinationSize.Y; y++)
            {
                double dy = y - cdy, dx0 = -cdx;
                double qx = csx + m[0] * dx0 + m[1] * dy + m[2] * dz;
                double qy = csy + m[3] * dx0 + m[4] * dy + m[5] * dz;
                double qz = csz + m[6] * dx0 + m[7] * dy + m[8] * dz;
                for (int x = 0; x < destinationSize.X; x++, i++)
                {
                    double px = qx + m[0] * x, py = qy + m[3] * x, pz = qz + m[6] * x;
                    if (floatPositions)
                    {
                        px = (float)qx + (float)m[0] * x;
                        py = (float)qy + (float)m[3] * x;
                        pz = (float)qz + (float)m[6] * x;
                    }
                    if (px >= 0 && py >= 0 && pz >= 0 && px < sx - 1 && py < sy - 1 && pz < sz - 1)
                    {
                        int x0 = (int)px, y0 = (int)py, z0 = (int)pz;
                        float fx = (float)(px - x0), fy = (float)(py - y0), fz = (float)(pz - z0);
                        long b = x0 + sx * (long)y0 + splane * z0;
                        float c00 = Lerp(source[(int)b], source[(int)b + 1], fx);
                        float c10 = Lerp(source[(int)(b + sx)], source[(int)(b + sx + 1)], fx);
                        long b1 = b + splane;
                        float c01 = Lerp(source[(int)b1], source[(int)b1 + 1], fx);
                        float c11 = Lerp(source[(int)(b1 + sx)], source[(int)(b1 + sx + 1)], fx);
                        destination[i] = Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
                    }
                    else
                    {
                        int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py), z0 = (int)Math.Floor(pz);
                        float fx = (float)(px - x0), fy = (float)(py - y0), fz = (float)(pz - z0);
                        float c00 = Lerp(At(source, sourceSize, x0, y0, z0), At(source, sourceSize, x0 + 1, y0, z0), fx);
                        float c10 = Lerp(At(source, sourceSize, x0, y0 + 1, z0), At(source, sourceSize, x0 + 1, y0 + 1, z0), fx);
                        float c01 = Lerp(At(source, sourceSize, x0, y0, z0 + 1), At(source, sourceSize, x0 + 1, y0, z0 + 1), fx);
                        float c11 = Lerp(At(source, sourceSize, x0, y0 + 1, z0 + 1), At(source, sourceSize, x0 + 1, y0 + 1, z0 + 1), fx);
                        destination[i] = Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
                    }
                }
            }
        }
    }

    private static float At(ReadOnlySpan<float> s, Shape3 size, int x, int y, int z) =>
        x < 0 || y < 0 || z < 0 || x >= size.X || y >= size.Y || z >= size.Z ? 0f : s[(int)size.Index(x, y, z)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Lerp(float a, float b, float f) => f == 0 ? a : a + (b - a) * f;
}
