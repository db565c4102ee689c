using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>The vectorised row kernels against plain scalar loops (the code they replaced), on every row length
/// around the vector width and with zeros, −0 and NaN in every position.</summary>
public class VoxelKernelsTests
{
    private static float[] Row(int n, int seed, double zeroFraction)
    {
        var rng = new Random(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
            r[i] = rng.NextDouble() < zeroFraction ? (rng.Next(2) == 0 ? 0f : -0f) : (float)(rng.NextDouble() * 2000 - 500);
        return r;
    }

    [Fact]
    public void Nonzero_extent_matches_a_scalar_scan()
    {
        for (int n = 0; n <= 70; n++)
            for (int seed = 0; seed < 12; seed++)
            {
                var row = Row(n, seed * 100 + n, seed % 4 == 0 ? 1.0 : 0.9);
                if (seed % 3 == 1 && n > 0) row[(seed * 7) % n] = float.NaN; // NaN counts as nonzero
                int first = -1, last = -1;
                for (int i = 0; i < n; i++)
                    if (row[i] != 0 || float.IsNaN(row[i])) { if (first < 0) first = i; last = i; }
                Assert.Equal((first, last), VoxelKernels.NonzeroExtent(row));
            }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Slice_sums_and_squares_match_scalar_double_loops(bool foregroundOnly)
    {
        for (int n = 1; n <= 41; n += 5)
        {
            var rows = Enumerable.Range(0, 7).Select(k => Row(n, k * 31 + n, 0.3)).ToArray();
            var sums = new VoxelKernels.Sums();
            foreach (var r in rows) sums.AddRow(r, foregroundOnly);
            var (count, sum, min, max) = sums.Result();
            var chosen = rows.SelectMany(r => r).Where(x => !foregroundOnly || x != 0).Select(x => (double)x).ToList();
            Assert.Equal(chosen.Count, count);
            Assert.Equal(chosen.Sum(), sum, 1e-9 * Math.Max(1, Math.Abs(chosen.Sum())));
            Assert.Equal(chosen.Count == 0 ? double.PositiveInfinity : chosen.Min(), min);
            Assert.Equal(chosen.Count == 0 ? double.NegativeInfinity : chosen.Max(), max);
            double mean = chosen.Count == 0 ? 0 : chosen.Average();
            var squares = new VoxelKernels.Squares();
            foreach (var r in rows) squares.AddRow(r, mean, foregroundOnly);
            double expected = chosen.Sum(x => (x - mean) * (x - mean));
            Assert.Equal(expected, squares.Result(), 1e-9 * Math.Max(1, expected));
        }
    }

    [Fact]
    public void Zscore_rows_are_bit_identical_to_the_scalar_double_formula()
    {
        foreach (bool fg in new[] { true, false })
            for (int n = 0; n <= 40; n++)
            {
                var src = Row(n, n, 0.3);
                var dst = new float[n];
                const double mean = 613.25, inv = 1 / 171.3;
                VoxelKernels.ZScoreRow(src, dst, mean, inv, fg);
                for (int i = 0; i < n; i++)
                {
                    float expected = fg && src[i] == 0 ? 0f : (float)((src[i] - mean) * inv);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(dst[i]));
                }
                // The fused z-score + weighted sum does the same float operations as z-scoring first.
                var a = Row(n, n + 1000, 0);
                var b = (float[])a.Clone();
                VoxelKernels.ZScoreScaled(src, a, 0.375f, add: true, mean, inv, fg);
                for (int i = 0; i < n; i++) b[i] += 0.375f * dst[i];
                FusedPreprocessingTests.AssertBitIdentical(b, a, $"add n={n}");
                VoxelKernels.ZScoreScaled(src, a, 0.625f, add: false, mean, inv, fg);
                for (int i = 0; i < n; i++) b[i] = 0.625f * dst[i];
                FusedPreprocessingTests.AssertBitIdentical(b, a, $"set n={n}");
            }
    }

    /// <summary>The statistics of <see cref="ZScoreNormalizer"/> against the slice-by-slice scalar loop it used before
    /// (values agree to rounding; results are reproducible run to run and independent of the thread count).</summary>
    [Fact]
    public void Zscore_statistics_agree_with_the_former_scalar_loop_and_are_reproducible()
    {
        var s = new Shape3(53, 31, 19);
        var vox = Row((int)s.Count, 5, 0.4).Select(x => x + 0f).ToArray();
        var v = new Volume(vox, s, new Spacing3(1, 1, 1), Affine.Identity);
        foreach (bool fg in new[] { true, false })
        {
            var stats = ZScoreNormalizer.Measure(v, fg);
            var (count, mean, std, min, max) = FormerScalarMeasure(vox, s, fg);
            Assert.Equal(count, stats.Count);
            Assert.Equal(mean, stats.Mean, Math.Abs(mean) * 1e-12);
            Assert.Equal(std, stats.Std, std * 1e-12);
            Assert.Equal(min, stats.Min);
            Assert.Equal(max, stats.Max);
            Assert.Equal(stats, ZScoreNormalizer.Measure(v, fg));
        }
    }

    private static (long Count, double Mean, double Std, double Min, double Max) FormerScalarMeasure(float[] src, Shape3 shape, bool fg)
    {
        long plane = (long)shape.X * shape.Y, count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int z = 0; z < shape.Z; z++)
        {
            double s = 0;
            for (long i = z * plane; i < (z + 1) * plane; i++)
            {
                float x = src[i];
                if (fg && x == 0) continue;
                count++; s += x;
                if (x < min) min = x;
                if (x > max) max = x;
            }
            sum += s;
        }
        double mean = sum / count, ss = 0;
        foreach (float x in src)
            if (!fg || x != 0) ss += (x - mean) * (x - mean);
        return (count, mean, Math.Sqrt(ss / count), min, max);
    }
}
