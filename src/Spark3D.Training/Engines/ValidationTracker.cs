using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Training.Engines;

/// <summary>
/// The moving average of the pseudo-Dice and the best one so far (nnU-Net: ema = w·ema + (1−w)·dice, the first value
/// taken as is; a new best when the average beats the old best). Kept in <c>validation.json</c> next to the checkpoints
/// so a resumed run goes on from the latest validation instead of restarting the average.
/// </summary>
public sealed class ValidationTracker(double emaWeight, string statePath)
{
    /// <summary>The state file's name (in the checkpoint folder).</summary>
    public const string FileName = "validation.json";

    /// <summary>The current moving average (null before the first validation).</summary>
    public double? Ema { get; private set; }
    /// <summary>The best moving average so far.</summary>
    public double? Best { get; private set; }
    /// <summary>The step of <see cref="Best"/>.</summary>
    public long BestStep { get; private set; } = -1;

    /// <summary>Reads the state file when it exists (a resumed run); a corrupt one is ignored (the average restarts).</summary>
    public ValidationTracker Load()
    {
        if (!File.Exists(statePath)) return this;
        try
        {
            var n = JsonNode.Parse(File.ReadAllText(statePath))!;
            Ema = (double?)n["pseudo_dice_ema"];
            Best = (double?)n["best_pseudo_dice_ema"];
            BestStep = (long?)n["best_step"] ?? -1;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IOException)
        {
            Ema = Best = null;
            BestStep = -1;
        }
        return this;
    }

    /// <summary>Takes the pseudo-Dice of <paramref name="step"/>; returns the new average and whether it is the best so far
    /// (a NaN Dice, no foreground anywhere, leaves the average as it is and is never the best).</summary>
    public (double Ema, bool IsBest) Update(long step, double dice)
    {
        if (double.IsFinite(dice)) Ema = Ema is { } old ? emaWeight * old + (1 - emaWeight) * dice : dice;
        bool best = double.IsFinite(dice) && Ema is { } e && (Best is not { } b || e > b);
        if (best)
        {
            Best = Ema;
            BestStep = step;
        }
        Save(step);
        return (Ema ?? double.NaN, best);
    }

    private void Save(long step)
    {
        var n = new JsonObject
        {
            ["step"] = step,
            ["pseudo_dice_ema"] = Ema,
            ["best_pseudo_dice_ema"] = Best,
            ["best_step"] = BestStep,
        };
        string tmp = statePath + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(statePath))!);
        File.WriteAllText(tmp, n.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, statePath, overwrite: true);
    }
}
