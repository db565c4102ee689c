using Spark3D.Training.Engines;
using static TorchSharp.torch;

namespace Spark3D.Training.Tests.Engines;

public sealed class PseudoDiceTests
{
    [Fact]
    public void Counts_are_summed_over_batches_before_the_dice_like_nnunet_and_absent_classes_are_left_out()
    {
        var dice = new PseudoDice(numClasses: 4);
        // Batch 1: class 1 — 2 TP, 1 FP, 1 FN; class 2 — 1 TP.
        using (var p = tensor(new long[] { 1, 1, 1, 0, 2, 0 }))
        using (var t = tensor(new long[] { 1, 1, 0, 1, 2, 0 }))
            dice.Add(p, t);
        // Batch 2: class 1 — 0 TP, 0 FP, 2 FN; class 2 — 1 FP.
        using (var p = tensor(new long[] { 0, 0, 2, 0 }))
        using (var t = tensor(new long[] { 1, 1, 0, 0 }))
            dice.Add(p, t);
        var perClass = dice.PerClass();
        Assert.Equal(3, perClass.Count);
        Assert.Equal(2.0 * 2 / (2 * 2 + 1 + 3), perClass[0], 12);  // 4/8, not the mean of the per-batch Dice (0.667 and 0)
        Assert.Equal(2.0 * 1 / (2 * 1 + 1 + 0), perClass[1], 12);
        Assert.True(double.IsNaN(perClass[2]));                     // class 3: neither present nor predicted
        Assert.Equal((perClass[0] + perClass[1]) / 2, dice.Mean(), 12);
    }

    [Fact]
    public void No_foreground_anywhere_is_NaN()
    {
        var dice = new PseudoDice(3);
        using var z = zeros(8, dtype: ScalarType.Int64);
        dice.Add(z, z);
        Assert.True(double.IsNaN(dice.Mean()));
    }

    [Fact]
    public void The_tracker_averages_like_nnunet_marks_a_new_best_and_survives_a_restart()
    {
        string dir = Directory.CreateTempSubdirectory("s3d-val-").FullName;
        try
        {
            string path = Path.Combine(dir, ValidationTracker.FileName);
            var t = new ValidationTracker(0.9, path).Load();
            Assert.Equal((0.5, true), t.Update(10, 0.5));        // the first value as is
            var (ema, best) = t.Update(20, 0.3);
            Assert.Equal(0.9 * 0.5 + 0.1 * 0.3, ema, 12);
            Assert.False(best);
            Assert.Equal(ema, t.Update(30, double.NaN).Ema, 12);  // NaN leaves the average
            var again = new ValidationTracker(0.9, path).Load();
            Assert.Equal(t.Ema, again.Ema);
            Assert.Equal((0.5, 10L), (again.Best!.Value, again.BestStep));
            Assert.True(again.Update(40, 1.0).IsBest);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
