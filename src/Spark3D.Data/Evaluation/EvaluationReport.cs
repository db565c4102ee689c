using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Evaluation;

/// <summary>Metrics of one case and label.</summary>
public sealed record CaseLabelScore(string Case, int Label, double Dice, double Hd95);

/// <summary>
/// Dice (and HD95) of every predicted label map against its reference, matched by file name, per case and label,
/// with per-label and overall means (NaN cases — label absent from both — are left out of means, as nnU-Net does).
/// </summary>
public sealed class EvaluationReport
{
    private EvaluationReport(IReadOnlyList<CaseLabelScore> scores, IReadOnlyList<string> missing) { Scores = scores; MissingPredictions = missing; }

    public IReadOnlyList<CaseLabelScore> Scores { get; }

    /// <summary>Reference files with no prediction (each counts as Dice 0 for every label it contains).</summary>
    public IReadOnlyList<string> MissingPredictions { get; }

    public IReadOnlyList<int> Labels => Scores.Select(s => s.Label).Distinct().Order().ToList();

    public double MeanDice(int label) => Mean(Scores.Where(s => s.Label == label).Select(s => s.Dice));

    /// <summary>Mean over labels of the per-label mean Dice.</summary>
    public double MeanDice() => Mean(Labels.Select(MeanDice));

    public double MeanHd95(int label) => Mean(Scores.Where(s => s.Label == label).Select(s => s.Hd95).Where(double.IsFinite));

    /// <summary>Evaluates every reference NIfTI in <paramref name="referenceDir"/>; labels are the non-zero values found in references (or <paramref name="labels"/>).</summary>
    public static EvaluationReport Evaluate(string predictionDir, string referenceDir, IReadOnlyList<int>? labels = null, bool hd95 = true)
    {
        if (!Directory.Exists(predictionDir)) throw new DirectoryNotFoundException($"Prediction folder not found: {predictionDir}");
        if (!Directory.Exists(referenceDir)) throw new DirectoryNotFoundException($"Reference folder not found: {referenceDir}");
        var refs = Directory.EnumerateFiles(referenceDir).Where(IsNifti).Order(StringComparer.Ordinal).ToList();
        if (refs.Count == 0) throw new FileNotFoundException($"No .nii/.nii.gz reference files in {referenceDir}");
        var scores = new List<CaseLabelScore>();
        var missing = new List<string>();
        foreach (var refPath in refs)
        {
            string name = Path.GetFileName(refPath);
            string caseId = StripExtension(name);
            var reference = NiftiReader.Read(refPath).Volume;
            var caseLabels = labels ?? reference.Voxels.Where(v => v != 0).Select(v => (int)MathF.Round(v)).Distinct().Order().ToList();
            string predPath = Path.Combine(predictionDir, name);
            if (!File.Exists(predPath))
            {
                missing.Add(name);
                scores.AddRange(caseLabels.Select(l => new CaseLabelScore(caseId, l, 0, double.PositiveInfinity)));
                continue;
            }
            var prediction = NiftiReader.Read(predPath).Volume;
            if (prediction.Shape != reference.Shape)
                throw new InvalidDataException($"{predPath}: shape {prediction.Shape} differs from the reference's {reference.Shape}");
            foreach (int l in caseLabels)
                scores.Add(new CaseLabelScore(caseId, l, SegmentationMetrics.Dice(prediction, reference, l),
                    hd95 ? SegmentationMetrics.HausdorffDistance95(prediction, reference, l) : double.NaN));
        }
        return new EvaluationReport(scores, missing);
    }

    public JsonObject ToJson()
    {
        var perCase = new JsonArray();
        foreach (var s in Scores)
            perCase.Add(new JsonObject { ["case"] = s.Case, ["label"] = s.Label, ["dice"] = Num(s.Dice), ["hd95"] = Num(s.Hd95) });
        var perLabel = new JsonObject();
        foreach (int l in Labels)
            perLabel[l.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["mean_dice"] = Num(MeanDice(l)), ["mean_hd95"] = Num(MeanHd95(l)) };
        return new JsonObject
        {
            ["mean_dice"] = Num(MeanDice()),
            ["cases"] = Scores.Select(s => s.Case).Distinct().Count(),
            ["labels"] = perLabel,
            ["per_case"] = perCase,
            ["missing_predictions"] = new JsonArray(MissingPredictions.Select(m => (JsonNode?)m).ToArray()),
        };
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| case |").Append(string.Concat(Labels.Select(l => $" Dice {l} | HD95 {l} |"))).Append('\n');
        sb.Append("|---|").Append(string.Concat(Labels.Select(_ => "---|---|"))).Append('\n');
        foreach (var g in Scores.GroupBy(s => s.Case))
        {
            sb.Append("| ").Append(g.Key).Append(" |");
            foreach (int l in Labels)
            {
                var s = g.FirstOrDefault(x => x.Label == l);
                sb.Append(' ').Append(F(s?.Dice ?? double.NaN)).Append(" | ").Append(F(s?.Hd95 ?? double.NaN)).Append(" |");
            }
            sb.Append('\n');
        }
        sb.Append("| **mean** |").Append(string.Concat(Labels.Select(l => $" **{F(MeanDice(l))}** | {F(MeanHd95(l))} |"))).Append('\n');
        sb.Append("\nMean Dice over labels: **").Append(F(MeanDice())).Append("**\n");
        return sb.ToString();
    }

    private static string F(double v) => double.IsNaN(v) ? "–" : double.IsPositiveInfinity(v) ? "∞" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(v => !double.IsNaN(v)).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }

    private static bool IsNifti(string f) => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal);

    private static string StripExtension(string name) =>
        name.EndsWith(".nii.gz", StringComparison.Ordinal) ? name[..^7] : name.EndsWith(".nii", StringComparison.Ordinal) ? name[..^4] : name;

    /// <summary>JSON with indentation, for files.</summary>
    public string ToJsonText() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
