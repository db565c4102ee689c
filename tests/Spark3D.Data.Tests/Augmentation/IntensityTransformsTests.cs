using Spark3D.Data.Augmentation;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Augmentation;

public class IntensityTransformsTests
{
    private static float[] Noisy(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => (float)(Math.Sin(i * 0.1) + rng.NextDouble())).ToArray();
    }

    private static (double Mean, double Std) Stats(float[] v)
    {
        double m = v.Average(x => (double)x);
        return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1)));
    }

    [Theory]
    [InlineData(0.7, false)]
    [InlineData(1.5, true)]
    public void Gamma_keeps_mean_and_std(double gamma, bool invert)
    {
        var v = Noisy(4096, 1);
        var before = Stats(v);
        var copy = (float[])v.Clone();
        IntensityTransforms.Gamma(copy, gamma, invert);
        var after = Stats(copy);
        Assert.Equal(before.Mean, after.Mean, 3);
        Assert.Equal(before.Std, after.Std, 3);
        Assert.NotEqual(v, copy);
    }

    [Fact]
    public void Contrast_stays_within_the_original_range_and_brightness_multiplies()
    {
        var v = Noisy(2048, 2);
        var c = (float[])v.Clone();
        IntensityTransforms.Contrast(c, 1.25);
        Assert.InRange(c.Min(), v.Min(), v.Max());
        Assert.InRange(c.Max(), v.Min(), v.Max());
        Assert.True(Stats(c).Std > Stats(v).Std);
        var b = (float[])v.Clone();
        IntensityTransforms.MultiplyBrightness(b, 0.8);
        Assert.Equal(v[17] * 0.8f, b[17], 5);
    }

    [Fact]
    public void Blur_keeps_a_constant_and_preserves_the_sum_of_an_interior_impulse()
    {
        var s = new Shape3(12, 10, 9);
        var flat = Enumerable.Repeat(3f, (int)s.Count).ToArray();
        IntensityTransforms.GaussianBlur(flat, s, 1, 0.5, 0.8);
        Assert.All(flat, x => Assert.Equal(3f, x, 4));
        var impulse = new float[s.Count];
        impulse[s.Index(6, 5, 4)] = 1;
        IntensityTransforms.GaussianBlur(impulse, s, 0.7, 0.7, 0.7);
        Assert.Equal(1.0, impulse.Sum(), 4);
        Assert.True(impulse[s.Index(6, 5, 4)] < 0.5 && impulse[s.Index(7, 5, 4)] > 0.01);
    }

    [Fact]
    public void Noise_has_the_drawn_std()
    {
        var v = new float[20000];
        IntensityTransforms.AddGaussianNoise(v, 0.1, new Random(3));
        var (mean, std) = Stats(v);
        Assert.Equal(0, mean, 2);
        Assert.Equal(0.1, std, 2);
    }

    [Fact]
    public void Low_resolution_at_zoom_one_is_the_identity_and_below_one_smooths()
    {
        var s = new Shape3(16, 16, 16);
        var v = Noisy((int)s.Count, 4);
        var same = (float[])v.Clone();
        IntensityTransforms.SimulateLowResolution(same, s, 1.0);
        Assert.Equal(v, same);
        var low = (float[])v.Clone();
        IntensityTransforms.SimulateLowResolution(low, s, 0.5);
        // Neighbouring differences shrink: high frequencies are gone.
        double Rough(float[] a) => Enumerable.Range(0, a.Length - 1).Sum(i => Math.Abs(a[i + 1] - a[i]));
        Assert.True(Rough(low) < 0.7 * Rough(v));
    }
}
