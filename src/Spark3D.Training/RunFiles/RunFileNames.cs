namespace Spark3D.Training.RunFiles;

/// <summary>
/// The names of the files a run directory holds (docs/architecture.md, "Run directory"), in one place. The folders
/// (checkpoints, tensorboard, reconstructions) are settings of their own in config/spark3d.conf.
/// </summary>
public static class RunFileNames
{
    /// <summary>The fully resolved configuration of the run (HOCON).</summary>
    public const string Config = "config.conf";

    /// <summary>How the run ended (<see cref="RunSummaryWriter"/>).</summary>
    public const string Summary = "summary.json";

    /// <summary>One line per unusable volume (<see cref="QuarantineLog"/>).</summary>
    public const string Quarantine = "quarantine.jsonl";

    /// <summary>Which volume fed which step (<see cref="ConsumedTrace"/>).</summary>
    public const string ConsumedTrace = "consumed.jsonl";

    /// <summary>A plain-text copy of the scalars (<see cref="Telemetry.MetricsJsonlWriter"/>).</summary>
    public const string Metrics = "metrics.jsonl";

    /// <summary>What a fine-tuned model is (preset, classes, patch, preprocessing), read by <c>spark3d predict</c>.</summary>
    public const string FineTunedModel = "model.json";

    /// <summary>The run's log file (every level from debug up, stack traces included; the console gets one line per
    /// event): <c>pretrain.log</c>, <c>finetune.log</c>; in a cache folder <c>preprocess.log</c> (local run),
    /// <c>coordinator.log</c> and one <c>worker-HOST-PORT.log</c> per worker node (cluster).</summary>
    public static string Log(string command) => command + ".log";

    /// <summary>Fine-tuning's train/validation split, in nnU-Net's <c>splits_final.json</c> shape (<see cref="ValidationSplit"/>).</summary>
    public const string Splits = "splits_final.json";
}
