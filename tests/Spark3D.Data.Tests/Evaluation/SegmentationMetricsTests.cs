using Spark3D.Data.Evaluation;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Evaluation;

public class SegmentationMetricsTests
{
    private static Volume Labels(Shape3 s, Spacing3 sp, Func<int, int, int, int> f)
    {
        var v = Volume.Zeros(s, sp);
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                    v.Voxels[s.Index(x, y, z)] = f(x, y, z);
        return v;
    }

    [Fact]
    public void Distance_transform_matches_brute_force_with_anisotropic_spacing()
    {
        var s = new Shape3(9, 7, 5);
        var sp = new Spacing3(0.7, 1.3, 2.1);
        var rng = new Random(3);
        var seeds = new bool[s.Count];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = rng.NextDouble() < 0.05;
        seeds[17] = true;
        var d = EuclideanDistanceTransform.SquaredDistanceToSeeds(seeds, s, sp);
        for (int z = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++)
                {
                    double best = double.PositiveInfinity;
                    for (int c = 0; c < s.Z; c++)
                        for (int b = 0; b < s.Y; b++)
                            for (int a = 0; a < s.X; a++)
                                if (seeds[s.Index(a, b, c)])
                                    best = Math.Min(best, Math.Pow((x - a) * sp.X, 2) + Math.Pow((y - b) * sp.Y, 2) + Math.Pow((z - c) * sp.Z, 2));
                    Assert.Equal(best, d[s.Index(x, y, z)], 9);
                }
    }

    [Fact]
    public void Distance_transform_without_seeds_is_infinite() =>
        Assert.All(EuclideanDistanceTransform.SquaredDistanceToSeeds(new bool[8], new Shape3(2, 2, 2), new Spacing3(1, 1, 1)), v => Assert.True(double.IsPositiveInfinity(v)));

    [Fact]
    public void Dice_counts_overlap_per_label_and_is_nan_when_both_empty()
    {
        var s = new Shape3(10, 10, 10);
        var sp = new Spacing3(1, 1, 1);
        var reference = Labels(s, sp, (x, _, _) => x < 5 ? 1 : 2);
        var prediction = Labels(s, sp, (x, _, _) => x < 4 ? 1 : 2);
        Assert.Equal(2.0 * 400 / (400 + 500), SegmentationMetrics.Dice(prediction, reference, 1), 12);
        Assert.Equal(2.0 * 500 / (600 + 500), SegmentationMetrics.Dice(prediction, reference, 2), 12);
        Assert.True(double.IsNaN(SegmentationMetrics.Dice(prediction, reference, 3)));
        Assert.Equal(1.0, SegmentationMetrics.Dice(reference, reference, 1));
    }

    [Fact]
    public void Hd95_of_a_shifted_cube_is_the_shift_in_mm()
    {
        var s = new Shape3(20, 20, 20);
        var sp = new Spacing3(1, 1, 2);
        var reference = Labels(s, sp, (x, y, z) => x is >= 5 and < 15 && y is >= 5 and < 15 && z is >= 5 and < 15 ? 1 : 0);
        var shifted = Labels(s, sp, (x, y, z) => x is >= 5 and < 15 && y is >= 5 and < 15 && z is >= 6 and < 16 ? 1 : 0);
        Assert.Equal(0, SegmentationMetrics.HausdorffDistance95(reference, reference, 1));
        double hd = SegmentationMetrics.HausdorffDistance95(shifted, reference, 1);
        Assert.Equal(2.0, hd, 9); // one voxel along z at 2 mm
        Assert.True(double.IsPositiveInfinity(SegmentationMetrics.HausdorffDistance95(Labels(s, sp, (_, _, _) => 0), reference, 1)));
    }
}
