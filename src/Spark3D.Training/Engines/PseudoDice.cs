using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>
/// nnU-Net's pseudo-Dice: true positives, false positives and false negatives of each foreground class summed over all
/// validation patches (not averaged per patch), then Dice = 2TP / (2TP + FP + FN) per class; the score is the mean over
/// the classes where that is defined (a class neither present nor predicted is NaN and left out).
/// </summary>
public sealed class PseudoDice(int numClasses)
{
    private readonly long[] _tp = new long[numClasses], _fp = new long[numClasses], _fn = new long[numClasses];

    /// <summary>Adds one batch: <paramref name="prediction"/> and <paramref name="target"/> are class indices of the same shape.</summary>
    public void Add(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        for (int c = 1; c < _tp.Length; c++)
        {
            var p = prediction.eq(c);
            var t = target.eq(c);
            _tp[c] += p.logical_and(t).sum().item<long>();
            _fp[c] += p.logical_and(t.logical_not()).sum().item<long>();
            _fn[c] += p.logical_not().logical_and(t).sum().item<long>();
        }
    }

    /// <summary>Adds counts directly (class <paramref name="c"/>); for tests and merging.</summary>
    public void AddCounts(int c, long tp, long fp, long fn)
    {
        _tp[c] += tp;
        _fp[c] += fp;
        _fn[c] += fn;
    }

    /// <summary>Dice of each foreground class 1..C-1 (NaN when 2TP + FP + FN is 0).</summary>
    public IReadOnlyList<double> PerClass() =>
        Enumerable.Range(1, _tp.Length - 1)
            .Select(c => 2 * _tp[c] + _fp[c] + _fn[c] is var d and > 0 ? 2.0 * _tp[c] / d : double.NaN)
            .ToList();

    /// <summary>The mean over the defined classes; NaN when none is.</summary>
    public double Mean()
    {
        var defined = PerClass().Where(double.IsFinite).ToList();
        return defined.Count > 0 ? defined.Average() : double.NaN;
    }
}
