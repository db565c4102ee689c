namespace Spark3D.Data.Evaluation;

/// <summary>What <see cref="EvaluationReport.Evaluate"/> measures.</summary>
/// <param name="Labels">Foreground labels to report for every case; null = every non-zero value found in the references.</param>
/// <param name="LabelNames">Label value → name (from dataset.json) for the report; unnamed labels get "label_N".</param>
/// <param name="IgnoreLabel">Reference voxels with this value count for no metric (nnU-Net's ignore label).</param>
/// <param name="Hd95">Also compute the 95th-percentile Hausdorff distance (the slow part).</param>
public sealed record EvaluationOptions(
    IReadOnlyList<int>? Labels = null,
    IReadOnlyDictionary<int, string>? LabelNames = null,
    int? IgnoreLabel = null,
    bool Hd95 = true);
