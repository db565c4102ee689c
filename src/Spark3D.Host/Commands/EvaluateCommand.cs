using System.CommandLine;
using Spark3D.Data.Evaluation;
using Spark3D.Data.Nifti;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d evaluate --pred DIR --ref DIR [--json] [--output DIR] [--no-hd95]`: Dice and HD95 per case and label, means,
/// written as summary.json and summary.md (into --output, default the prediction folder). --json prints the JSON object
/// (with `mean_dice`) on stdout instead of the Markdown table.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var pred = new Option<string>("--pred") { Description = "Folder of predicted label maps (NIfTI).", Required = true };
        var reference = new Option<string>("--ref") { Description = "Folder of reference label maps, matched by file name.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the JSON report (keys: mean_dice, labels, per_case, ...)." };
        var output = new Option<string?>("--output") { Description = "Where to write summary.json and summary.md (default: --pred)." };
        var noHd = new Option<bool>("--no-hd95") { Description = "Skip the 95th-percentile Hausdorff distance." };
        var cmd = new Command("evaluate", "Dice (and HD95) of predicted label maps against references.") { pred, reference, json, output, noHd };
        cmd.SetAction(r =>
        {
            EvaluationReport report;
            try
            {
                report = EvaluationReport.Evaluate(r.GetValue(pred)!, r.GetValue(reference)!, hd95: !r.GetValue(noHd));
            }
            catch (Exception e) when (e is IOException or NiftiFormatException or InvalidDataException)
            {
                Console.Error.WriteLine("spark3d evaluate: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.BadInput;
            }
            string dir = r.GetValue(output) ?? r.GetValue(pred)!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "summary.json"), report.ToJsonText());
            File.WriteAllText(Path.Combine(dir, "summary.md"), report.ToMarkdown());
            Console.Out.WriteLine(r.GetValue(json) ? report.ToJson().ToJsonString() : report.ToMarkdown());
            return 0;
        });
        return cmd;
    }
}
