using Spark3D.Data.Phantoms;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Phantoms;

public class BrainPhantomGeneratorTests
{
    private static readonly PhantomOptions Small = new() { MaxVoxels = 400_000 };

    [Fact]
    public void Generation_is_deterministic_in_seed_and_index()
    {
        var a = new BrainPhantomGenerator(Small).Generate(3);
        var b = new BrainPhantomGenerator(Small).Generate(3);
        Assert.Equal("phantom-00003", a.Id);
        Assert.Equal(a.Image.Voxels, b.Image.Voxels);
        Assert.Equal(a.Labels.Voxels, b.Labels.Voxels);
        Assert.True(a.Image.Affine.Equals(b.Image.Affine));
        var other = new BrainPhantomGenerator(Small with { Seed = 99 }).Generate(3);
        Assert.False(a.Image.Shape == other.Image.Shape && a.Image.Voxels.AsSpan().SequenceEqual(other.Image.Voxels));
    }

    [Fact]
    public void A_skull_stripped_phantom_is_its_unstripped_twin_with_everything_outside_the_brain_zeroed()
    {
        var plain = new BrainPhantomGenerator(Small with { NoiseSigma = 0.12 }).Generate(2);
        var stripped = new BrainPhantomGenerator(Small with { NoiseSigma = 0.12, SkullStripped = true }).Generate(2);
        Assert.Equal(plain.Labels.Voxels, stripped.Labels.Voxels);
        int zeroedOutside = 0, brain = 0;
        for (int i = 0; i < plain.Image.Voxels.Length; i++)
        {
            if (plain.Labels.Voxels[i] == PhantomLabels.Background)
            {
                Assert.Equal(0f, stripped.Image.Voxels[i]);
                if (plain.Image.Voxels[i] != 0) zeroedOutside++;
            }
            else
            {
                Assert.Equal(plain.Image.Voxels[i], stripped.Image.Voxels[i]);
                Assert.True(stripped.Image.Voxels[i] > 0);
                brain++;
            }
        }
        Assert.True(zeroedOutside > brain / 4, $"only {zeroedOutside} noisy background voxels were zeroed");
        Assert.True(brain > 1000);
    }

    [Fact]
    public void Every_tissue_class_is_present_and_contrast_is_T1_like()
    {
        var gen = new BrainPhantomGenerator(Small);
        bool sawLesion = false;
        for (int i = 0; i < 6; i++)
        {
            var p = gen.Generate(i);
            Assert.Equal(p.Image.Shape, p.Labels.Shape);
            var means = new double[5];
            var counts = new long[5];
            for (long v = 0; v < p.Labels.Voxels.LongLength; v++)
            {
                int l = (int)p.Labels.Voxels[v];
                Assert.InRange(l, 0, 4);
                means[l] += p.Image.Voxels[v];
                counts[l]++;
            }
            for (int l = 0; l < 4; l++) Assert.True(counts[l] > 0, $"phantom {i} lacks label {l}");
            for (int l = 0; l < 5; l++) if (counts[l] > 0) means[l] /= counts[l];
            Assert.True(means[3] > means[2] && means[2] > means[1], $"phantom {i}: WM {means[3]:f0} GM {means[2]:f0} CSF {means[1]:f0}");
            Assert.Equal(p.LesionCount > 0, counts[4] > 0);
            if (counts[4] > 0)
            {
                sawLesion = true;
                Assert.True(means[4] > means[3], "lesions are bright");
            }
            Assert.All(p.Image.Voxels, v => Assert.True(float.IsFinite(v)));
        }
        Assert.True(sawLesion);
    }

    [Fact]
    public void Spacing_and_orientation_vary_and_stay_within_limits()
    {
        var defaults = new PhantomOptions();
        var gen = new BrainPhantomGenerator(defaults);
        var spacings = new HashSet<Spacing3>();
        var orientations = new HashSet<string>();
        for (int i = 0; i < 12; i++)
        {
            var img = gen.Generate(i).Image;
            Assert.True(img.Shape.Count <= defaults.MaxVoxels);
            var s = img.Spacing;
            for (int a = 0; a < 3; a++) Assert.InRange(s[a], 0.5, 3.0 + 1e-9);
            spacings.Add(s);
            // The 3×3 part is a signed permutation scaled by the spacing.
            var code = new char[3];
            for (int col = 0; col < 3; col++)
            {
                Assert.Equal(s[col], img.Affine.ColumnNorm(col), 9);
                int nonzero = Enumerable.Range(0, 3).Count(r => img.Affine[r, col] != 0);
                Assert.Equal(1, nonzero);
                int row = Enumerable.Range(0, 3).Single(r => img.Affine[r, col] != 0);
                code[col] = img.Affine[row, col] > 0 ? "RAS"[row] : "LPI"[row];
            }
            orientations.Add(new string(code));
        }
        Assert.Equal(12, spacings.Count);
        Assert.True(orientations.Count >= 6, string.Join(",", orientations));
        Assert.Contains(spacings, s => Math.Max(s.X, Math.Max(s.Y, s.Z)) / Math.Min(s.X, Math.Min(s.Y, s.Z)) > 2);
    }

    [Fact]
    public void The_affine_puts_the_head_at_the_world_origin_and_anatomy_in_RAS()
    {
        var gen = new BrainPhantomGenerator(Small);
        for (int i = 0; i < 6; i++)
        {
            var p = gen.Generate(i);
            var shape = p.Labels.Shape;
            double sx = 0, sy = 0, sz = 0, n = 0;
            double minY = double.MaxValue, maxY = double.MinValue, minX = double.MaxValue, maxX = double.MinValue;
            for (int z = 0; z < shape.Z; z++)
                for (int y = 0; y < shape.Y; y++)
                    for (int x = 0; x < shape.X; x++)
                    {
                        int l = (int)p.Labels[x, y, z];
                        if (l == 0) continue;
                        var w = p.Labels.Affine.Apply(x, y, z);
                        sx += w.X; sy += w.Y; sz += w.Z; n++;
                        minX = Math.Min(minX, w.X); maxX = Math.Max(maxX, w.X);
                        minY = Math.Min(minY, w.Y); maxY = Math.Max(maxY, w.Y);
                    }
            Assert.InRange(sx / n, -8, 8);
            Assert.InRange(sy / n, -8, 8);
            Assert.InRange(sz / n, -8, 8);
            // The head is longer front-to-back (world Y) than left-right (world X) whatever the stored orientation.
            Assert.True(maxY - minY > maxX - minX, $"phantom {i}: AP {maxY - minY:f0} mm vs LR {maxX - minX:f0} mm");
            Assert.InRange(maxY - minY, 110, 180);
        }
    }

    [Fact]
    public void Default_options_stay_within_the_voxel_cap()
    {
        var o = new PhantomOptions();
        var p = new BrainPhantomGenerator(o).Generate(0);
        Assert.True(p.Image.Shape.Count <= o.MaxVoxels);
        Assert.True(p.Image.Shape.Count > o.MaxVoxels / 20);
    }

    [Fact]
    public void Bad_options_are_rejected_naming_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => new BrainPhantomGenerator(new PhantomOptions { MinSpacingMm = 4 }));
        Assert.Contains(nameof(PhantomOptions.MinSpacingMm), e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BrainPhantomGenerator(new PhantomOptions { HeadLengthMaxMm = 500 }));
    }
}
