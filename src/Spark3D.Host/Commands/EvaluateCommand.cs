using System.CommandLine;
using Spark3D.Data.Evaluation;
using Spark3D.Data.Nifti;
using Spark3D.Data.Segmentation;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d evaluate --pred DIR --ref DIR [--dataset-json FILE] [--json] [--output DIR] [--no-hd95]`: per case and label
/// Dice, IoU, TP/FP/FN/TN, n_pred, n_ref (and HD95), written as summary.json in nnU-Net v2's layout (see
/// <see cref="EvaluationReport"/>) and summary.md, into --output (default the prediction folder). Labels, their names and
/// the ignore label come from dataset.json: --dataset-json, else one next to or inside the reference folder (an nnU-Net
/// labelsTr/). --json prints the JSON object on stdout instead of the Markdown table.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var pred = new Option<string>("--pred") { Description = "Folder of predicted label maps (NIfTI).", Required = true };
        var reference = new Option<string>("--ref") { Description = "Folder of reference label maps, matched by file name.", Required = true };
        var datasetJson = new Option<string?>("--dataset-json")
        {
            Description = "nnU-Net dataset.json giving the labels, their names and the ignore label (default: the one beside or in --ref, if any).",
        };
        var json = new Option<bool>("--json") { Description = "Print the JSON report (nnU-Net's keys: foreground_mean, mean, metric_per_case; plus label_names)." };
        var output = new Option<string?>("--output") { Description = "Where to write summary.json and summary.md (default: --pred)." };
        var noHd = new Option<bool>("--no-hd95") { Description = "Skip the 95th-percentile Hausdorff distance." };
        var cmd = new Command("evaluate", "Dice, IoU, confusion counts (and HD95) of predicted label maps against references, as nnU-Net's summary.json.")
        {
            pred, reference, datasetJson, json, output, noHd,
        };
        cmd.SetAction(r =>
        {
            EvaluationReport report;
            try
            {
                var dataset = FindDatasetJson(r.GetValue(datasetJson), r.GetValue(reference)!);
                var options = new EvaluationOptions(
                    Labels: dataset is { Labels.Count: > 0 } d ? d.Labels.Keys.ToList() : null,
                    LabelNames: dataset?.Labels,
                    IgnoreLabel: dataset?.IgnoreLabel,
                    Hd95: !r.GetValue(noHd));
                report = EvaluationReport.Evaluate(r.GetValue(pred)!, r.GetValue(reference)!, options);
            }
            catch (Exception e) when (e is IOException or NiftiFormatException or InvalidDataException or SegmentationDatasetException)
            {
                Console.Error.WriteLine("spark3d evaluate: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.BadInput;
            }
            string dir = r.GetValue(output) ?? r.GetValue(pred)!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "summary.json"), report.ToJsonText());
            File.WriteAllText(Path.Combine(dir, "summary.md"), report.ToMarkdown());
            Console.Out.WriteLine(r.GetValue(json) ? report.ToJson().ToJsonString() : report.ToMarkdown());
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>The explicit file, else the one that describes the reference folder (<see cref="DatasetJson.FindFor"/>).</summary>
    private static DatasetJson? FindDatasetJson(string? explicitPath, string referenceDir) =>
        explicitPath is not null ? DatasetJson.Read(explicitPath) : DatasetJson.FindFor(referenceDir);
}
