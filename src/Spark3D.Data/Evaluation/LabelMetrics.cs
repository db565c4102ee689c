namespace Spark3D.Data.Evaluation;

/// <summary>
/// One case's metrics for one label, as nnU-Net v2's <c>compute_metrics</c> reports them: the confusion counts over the
/// voxels that are not the ignore label, Dice and IoU from them (NaN when the label is in neither map), n_pred and n_ref;
/// plus HD95 (mm), which nnU-Net does not compute (+∞ when one map lacks the label, NaN when both do, or not computed).
/// </summary>
public sealed record LabelMetrics(long TP, long FP, long FN, long TN, double Hd95)
{
    /// <summary>The metric names of summary.json, in nnU-Net's order, then ours.</summary>
    public static readonly IReadOnlyList<string> Names = ["Dice", "IoU", "FP", "TP", "FN", "TN", "n_pred", "n_ref", "HD95"];

    /// <summary>2TP / (2TP + FP + FN); NaN when TP + FP + FN = 0.</summary>
    public double Dice => TP + FP + FN == 0 ? double.NaN : 2.0 * TP / (2.0 * TP + FP + FN);

    /// <summary>TP / (TP + FP + FN); NaN when TP + FP + FN = 0.</summary>
    public double IoU => TP + FP + FN == 0 ? double.NaN : (double)TP / (TP + FP + FN);

    /// <summary>Predicted voxels of the label (FP + TP).</summary>
    public long NPred => FP + TP;

    /// <summary>Reference voxels of the label (FN + TP).</summary>
    public long NRef => FN + TP;

    /// <summary>The value of metric <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public double Get(string name) => name switch
    {
        "Dice" => Dice,
        "IoU" => IoU,
        "FP" => FP,
        "TP" => TP,
        "FN" => FN,
        "TN" => TN,
        "n_pred" => NPred,
        "n_ref" => NRef,
        "HD95" => Hd95,
        _ => throw new ArgumentException($"unknown metric '{name}'", nameof(name)),
    };
}
