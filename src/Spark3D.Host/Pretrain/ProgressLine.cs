using System.Globalization;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Pretrain;

/// <summary>Formats a <see cref="PipelineStatus"/> as one plain progress line (used when the live view is off).</summary>
public static class ProgressLine
{
    /// <summary>e.g. <c>step 120/200 loss 0.5312 lr 0.00412 | 3.1 patches/s data-wait 12% | queues v4 p2 b1 | epoch 3 | restarts 0 quarantined 0 | ETA 0:01:23</c>.</summary>
    public static string Format(PipelineStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"step {s.Step}/{s.TotalSteps} loss {Num(s.LossLast, "F4")} lr {Num(s.LearningRate, "G3")} | {s.PatchesPerSecond:F1} patches/s " +
        $"data-wait {s.DataWaitFraction:P0} | queues v{s.VolumeDepth} p{s.PatchDepth} b{s.BatchDepth} | epoch {s.Epoch} | " +
        $"restarts {s.Restarts} quarantined {s.Quarantined} | ETA {Eta(s.Eta)}");

    /// <summary>h:mm:ss, or "-" before the first step.</summary>
    public static string Eta(TimeSpan? eta) => eta is { } e ? e.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "-";

    private static string Num(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";
}
