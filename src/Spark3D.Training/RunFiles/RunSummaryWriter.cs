using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Training.RunFiles;

/// <summary>Writes <c>summary.json</c> (keys: step, loss_first, loss_last, quarantined, steps_this_run, restarts, exit_code,
/// reason, elapsed_seconds, data_wait_fraction, cpu), atomically (temp file + rename). <c>cpu</c> is the oneDNN ISA
/// guard's decision: name, onednn_max_cpu_isa (null = oneDNN's default), guard (what decided), reason.</summary>
public static class RunSummaryWriter
{
    /// <summary>loss_first and loss_last of an existing summary (for resumed runs); nulls when absent or unreadable.</summary>
    public static (double? First, double? Last) PreviousLosses(string path)
    {
        if (!File.Exists(path)) return default;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            return (node?["loss_first"]?.GetValue<double?>(), node?["loss_last"]?.GetValue<double?>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return default; // a torn or foreign summary is simply not reused
        }
    }

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, PipelineResult result, IsaGuardDecision cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var o = new JsonObject
        {
            ["step"] = result.Step,
            ["loss_first"] = Finite(result.LossFirst),
            ["loss_last"] = Finite(result.LossLast),
            ["quarantined"] = result.Quarantined,
            ["steps_this_run"] = result.StepsThisRun,
            ["restarts"] = result.Restarts,
            ["exit_code"] = result.ExitCode,
            ["reason"] = result.Reason,
            ["elapsed_seconds"] = Math.Round(result.Elapsed.TotalSeconds, 3),
            ["data_wait_fraction"] = Math.Round(result.DataWaitFraction, 4),
            ["cpu"] = cpu.ToJson(),
        };
        string temp = path + ".tmp";
        File.WriteAllText(temp, o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    private static JsonNode? Finite(double? v) => v is { } d && double.IsFinite(d) ? JsonValue.Create(d) : null;
}
