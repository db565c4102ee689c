using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Evaluation;

/// <summary>One case: its files and the metrics of every evaluated label.</summary>
public sealed record CaseMetrics(string Case, string ReferenceFile, string? PredictionFile, IReadOnlyDictionary<int, LabelMetrics> Metrics);

/// <summary>
/// Every predicted label map against its reference (matched by file name), in nnU-Net v2's summary.json layout
/// (<c>nnunetv2/evaluation/evaluate_predictions.py</c>): <c>metric_per_case</c> (reference_file, prediction_file, metrics
/// per label: Dice, IoU, FP, TP, FN, TN, n_pred, n_ref), <c>mean</c> per label (NaN-skipping mean over cases, as
/// np.nanmean) and <c>foreground_mean</c> (the mean of the labels' means). Labels are keyed by their value as a string,
/// as nnU-Net's load_summary_json expects; their names (dataset.json) are in <c>label_names</c>. HD95 is an extra
/// metric. A reference without a prediction is scored against an empty map and listed in <c>missing_predictions</c>.
/// JSON has no NaN or ∞: they are written as null.
/// </summary>
public sealed class EvaluationReport
{
    private EvaluationReport(IReadOnlyList<CaseMetrics> cases, IReadOnlyList<int> labels, IReadOnlyDictionary<int, string> names,
        IReadOnlyList<string> missing, int? ignore)
    {
        Cases = cases;
        Labels = labels;
        LabelNames = names;
        MissingPredictions = missing;
        IgnoreLabel = ignore;
    }

    /// <summary>Per case, in reference file order.</summary>
    public IReadOnlyList<CaseMetrics> Cases { get; }

    /// <summary>The foreground labels evaluated.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Label value → name.</summary>
    public IReadOnlyDictionary<int, string> LabelNames { get; }

    /// <summary>Reference files with no prediction.</summary>
    public IReadOnlyList<string> MissingPredictions { get; }

    /// <summary>The ignore label excluded from every count, or null.</summary>
    public int? IgnoreLabel { get; }

    /// <summary>Mean of <paramref name="metric"/> for <paramref name="label"/> over the cases where it is not NaN (HD95: finite).</summary>
    public double Mean(int label, string metric = "Dice") =>
        NanMean(Cases.Select(c => c.Metrics[label].Get(metric)).Where(v => metric != "HD95" || double.IsFinite(v)));

    /// <summary>nnU-Net's foreground_mean: the mean over labels of <see cref="Mean(int, string)"/> (NaN when any is NaN).</summary>
    public double ForegroundMean(string metric = "Dice") => Labels.Count == 0 ? double.NaN : Labels.Average(l => Mean(l, metric));

    /// <summary>Evaluates every reference NIfTI in <paramref name="referenceDir"/>.</summary>
    public static EvaluationReport Evaluate(string predictionDir, string referenceDir, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        if (!Directory.Exists(predictionDir)) throw new DirectoryNotFoundException($"Prediction folder not found: {predictionDir}");
        if (!Directory.Exists(referenceDir)) throw new DirectoryNotFoundException($"Reference folder not found: {referenceDir}");
        var refs = Directory.EnumerateFiles(referenceDir).Where(IsNifti).Order(StringComparer.Ordinal).ToList();
        if (refs.Count == 0) throw new FileNotFoundException($"No .nii/.nii.gz reference files in {referenceDir}");
        var references = refs.Select(r => (Path: r, Volume: NiftiReader.Read(r).Volume)).ToList();
        var labels = options.Labels?.Where(l => l != 0 && l != options.IgnoreLabel).Distinct().Order().ToList()
                     ?? references.SelectMany(r => Values(r.Volume)).Where(l => l != 0 && l != options.IgnoreLabel).Distinct().Order().ToList();
        var cases = new List<CaseMetrics>();
        var missing = new List<string>();
        foreach (var (refPath, reference) in references)
        {
            string name = Path.GetFileName(refPath);
            string predPath = Path.Combine(predictionDir, name);
            Volume prediction;
            if (File.Exists(predPath))
            {
                prediction = NiftiReader.Read(predPath).Volume;
                if (prediction.Shape != reference.Shape)
                    throw new InvalidDataException($"{predPath}: shape {prediction.Shape} differs from the reference's {reference.Shape} ({refPath})");
            }
            else
            {
                missing.Add(name);
                prediction = Volume.Zeros(reference.Shape, reference.Spacing);
            }
            cases.Add(new CaseMetrics(StripExtension(name), Path.GetFullPath(refPath), File.Exists(predPath) ? Path.GetFullPath(predPath) : null,
                Score(prediction, reference, labels, options)));
        }
        var names = labels.ToDictionary(l => l, l => options.LabelNames is not null && options.LabelNames.TryGetValue(l, out var n) ? n : $"label_{l}");
        return new EvaluationReport(cases, labels, names, missing, options.IgnoreLabel);
    }

    private static Dictionary<int, LabelMetrics> Score(Volume prediction, Volume reference, IReadOnlyList<int> labels, EvaluationOptions options)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        long[] tp = new long[labels.Count], fp = new long[labels.Count], fn = new long[labels.Count];
        long counted = 0;
        var pv = prediction.Voxels;
        var rv = reference.Voxels;
        bool[]? ignored = options.IgnoreLabel is null ? null : new bool[rv.Length];
        for (long i = 0; i < rv.LongLength; i++)
        {
            int r = (int)MathF.Round(rv[i]), p = (int)MathF.Round(pv[i]);
            if (r == options.IgnoreLabel)
            {
                ignored![i] = true;
                continue;
            }
            counted++;
            bool rk = index.TryGetValue(r, out int ri), pk = index.TryGetValue(p, out int pi);
            if (rk && pk && ri == pi)
            {
                tp[ri]++;
                continue;
            }
            if (rk) fn[ri]++;
            if (pk) fp[pi]++;
        }
        Volume hdPred = prediction, hdRef = reference;
        if (options.Hd95 && ignored is not null)
        {
            // Ignored voxels are background in both maps for the surface distance.
            hdPred = prediction.WithVoxels(pv.Select((v, i) => ignored[i] ? 0f : v).ToArray());
            hdRef = reference.WithVoxels(rv.Select((v, i) => ignored[i] ? 0f : v).ToArray());
        }
        var result = new Dictionary<int, LabelMetrics>();
        for (int k = 0; k < labels.Count; k++)
        {
            double hd = options.Hd95 ? SegmentationMetrics.HausdorffDistance95(hdPred, hdRef, labels[k]) : double.NaN;
            result[labels[k]] = new LabelMetrics(tp[k], fp[k], fn[k], counted - tp[k] - fp[k] - fn[k], hd);
        }
        return result;
    }

    /// <summary>summary.json's object (keys sorted, as nnU-Net writes them).</summary>
    public JsonObject ToJson()
    {
        var perCase = new JsonArray();
        foreach (var c in Cases)
        {
            var metrics = new JsonObject();
            foreach (int l in Labels) metrics[Key(l)] = MetricsObject(m => c.Metrics[l].Get(m), integerCounts: true);
            perCase.Add(new JsonObject
            {
                ["metrics"] = metrics,
                ["prediction_file"] = c.PredictionFile,
                ["reference_file"] = c.ReferenceFile,
            });
        }
        var mean = new JsonObject();
        foreach (int l in Labels) mean[Key(l)] = MetricsObject(m => Mean(l, m), integerCounts: false);
        var json = new JsonObject
        {
            ["foreground_mean"] = MetricsObject(ForegroundMean, integerCounts: false),
            ["label_names"] = new JsonObject(Labels.Select(l => KeyValuePair.Create(Key(l), (JsonNode?)LabelNames[l]))),
            ["mean"] = mean,
            ["metric_per_case"] = perCase,
            ["missing_predictions"] = new JsonArray(MissingPredictions.Select(m => (JsonNode?)m).ToArray()),
        };
        if (IgnoreLabel is { } ig) json["ignore_label"] = ig;
        return json;
    }

    /// <summary>A table per case with each label's Dice and HD95 (label names as headers), and the means.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| case |").Append(string.Concat(Labels.Select(l => $" Dice {LabelNames[l]} | HD95 {LabelNames[l]} |"))).Append('\n');
        sb.Append("|---|").Append(string.Concat(Labels.Select(_ => "---|---|"))).Append('\n');
        foreach (var c in Cases)
        {
            sb.Append("| ").Append(c.Case).Append(" |");
            foreach (int l in Labels) sb.Append(' ').Append(F(c.Metrics[l].Dice)).Append(" | ").Append(F(c.Metrics[l].Hd95)).Append(" |");
            sb.Append('\n');
        }
        sb.Append("| **mean** |").Append(string.Concat(Labels.Select(l => $" **{F(Mean(l))}** | {F(Mean(l, "HD95"))} |"))).Append('\n');
        sb.Append("\nForeground mean Dice: **").Append(F(ForegroundMean())).Append("**\n");
        if (MissingPredictions.Count > 0) sb.Append("\nMissing predictions (scored as empty): ").Append(string.Join(", ", MissingPredictions)).Append('\n');
        return sb.ToString();
    }

    /// <summary>JSON with indentation, for files.</summary>
    public string ToJsonText() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static JsonObject MetricsObject(Func<string, double> value, bool integerCounts)
    {
        var o = new JsonObject();
        foreach (var m in LabelMetrics.Names.Order(StringComparer.Ordinal))
        {
            double v = value(m);
            bool count = m is not ("Dice" or "IoU" or "HD95");
            o[m] = !double.IsFinite(v) ? null : integerCounts && count ? JsonValue.Create((long)v) : JsonValue.Create(v);
        }
        return o;
    }

    private static string Key(int label) => label.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<int> Values(Volume v) => v.Voxels.Select(x => (int)MathF.Round(x)).Distinct();

    private static string F(double v) => double.IsNaN(v) ? "–" : double.IsPositiveInfinity(v) ? "∞" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static double NanMean(IEnumerable<double> values)
    {
        var finite = values.Where(v => !double.IsNaN(v)).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }

    private static bool IsNifti(string f) => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal);

    private static string StripExtension(string name) =>
        name.EndsWith(".nii.gz", StringComparison.Ordinal) ? name[..^7] : name.EndsWith(".nii", StringComparison.Ordinal) ? name[..^4] : name;
}
