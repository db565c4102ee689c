using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Actors.Pipeline;

/// <summary>Everything the pre-training pipeline needs to know; the Host maps the <c>spark3d.pipeline</c> HOCON section
/// (plus <c>--run-dir</c>, <c>--steps</c>) onto it. Defaults equal the built-in config.</summary>
public sealed record PipelineOptions
{
    /// <summary>Run directory: receives quarantine.jsonl, summary.json, metrics.jsonl, consumed.jsonl.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Train until the engine's step count reaches this (a resumed run continues up to it).</summary>
    public long TotalSteps { get; init; } = 1000;

    /// <summary>Run seed; epoch permutations, patch sampling and masks derive from it.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Patches per batch.</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Number of preprocessor actors (and threads of their dedicated dispatcher).</summary>
    public int PreprocessorCount { get; init; } = 4;

    /// <summary>Capacity of the loader → preprocessors channel (volume references).</summary>
    public int VolumeChannelCapacity { get; init; } = 32;

    /// <summary>Capacity of the preprocessors → masker channel (patches).</summary>
    public int PatchChannelCapacity { get; init; } = 8;

    /// <summary>Capacity of the masker → trainer channel (batches).</summary>
    public int BatchChannelCapacity { get; init; } = 2;

    /// <summary>
    /// Batch the patches in the loader's ticket order (the masker waits for the next one in order) rather than as the
    /// preprocessors finish them: the run then depends on the seed only, not on how many preprocessors there are or how
    /// threads were scheduled. Costs throughput only while one slow volume holds the order back: the others run at most
    /// <see cref="OrderWindow"/> tickets ahead.
    /// </summary>
    public bool InOrder { get; init; } = true;

    /// <summary>
    /// With <see cref="InOrder"/>: tickets allowed between the loader and the masker's turn,
    /// <see cref="PatchChannelCapacity"/> + 2 × <see cref="PreprocessorCount"/> (a full patch channel, one patch waiting in
    /// and one being cut by each preprocessor), so patches in memory stay bounded as without it; the volume channel then
    /// holds at most this many references.
    /// </summary>
    public int OrderWindow => PatchChannelCapacity + 2 * PreprocessorCount;

    /// <summary>Checkpoint every this many steps (a final one is always written on completion and on graceful stop).</summary>
    public int CheckpointEverySteps { get; init; } = 500;

    /// <summary>Append the scalars to metrics.jsonl every this many steps (0 = never).</summary>
    public int MetricsEverySteps { get; init; } = 10;

    /// <summary>Write consumed.jsonl (one line per volume the trainer consumed: step, epoch, position, id).</summary>
    public bool TraceConsumedVolumes { get; init; } = true;

    /// <summary>Tries for a volume whose read throws a transient IOException before it is quarantined.</summary>
    public int IoRetryMaxAttempts { get; init; } = 3;

    /// <summary>Delay before the first IO retry; doubles on each further try.</summary>
    public TimeSpan IoRetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Trainer restart backoff: first delay.</summary>
    public TimeSpan TrainerMinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Trainer restart backoff: largest delay.</summary>
    public TimeSpan TrainerMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Trainer restart backoff: random jitter factor (0.2 = ±20 %).</summary>
    public double TrainerBackoffRandomFactor { get; init; } = 0.2;

    /// <summary>More than this many trainer failures within <see cref="FailureWindow"/> stops the run (exit code 2).</summary>
    public int MaxFailuresInWindow { get; init; } = 5;

    /// <summary>The sliding window for <see cref="MaxFailuresInWindow"/>.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the graceful-stop hook waits for the trainer's final checkpoint.</summary>
    public TimeSpan FinalCheckpointTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The oneDNN ISA level the trainer computes under and why (summary.json's "cpu"); by default this
    /// process's decision, made at start-up before libtorch loaded.</summary>
    public IsaGuardDecision CpuIsa { get; init; } = IsaGuard.Current;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunDirectory)) throw new ArgumentException("PipelineOptions.RunDirectory is empty.");
        Positive(TotalSteps, nameof(TotalSteps));
        Positive(BatchSize, nameof(BatchSize));
        Positive(PreprocessorCount, nameof(PreprocessorCount));
        Positive(VolumeChannelCapacity, nameof(VolumeChannelCapacity));
        Positive(PatchChannelCapacity, nameof(PatchChannelCapacity));
        Positive(BatchChannelCapacity, nameof(BatchChannelCapacity));
        Positive(CheckpointEverySteps, nameof(CheckpointEverySteps));
        Positive(IoRetryMaxAttempts, nameof(IoRetryMaxAttempts));
        if (MetricsEverySteps < 0) throw new ArgumentException($"PipelineOptions.{nameof(MetricsEverySteps)} must be >= 0, got {MetricsEverySteps}.");
        if (MaxFailuresInWindow < 0) throw new ArgumentException($"PipelineOptions.{nameof(MaxFailuresInWindow)} must be >= 0.");
        if (TrainerMinBackoff <= TimeSpan.Zero || TrainerMaxBackoff < TrainerMinBackoff)
            throw new ArgumentException("PipelineOptions trainer backoff needs 0 < min <= max.");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentException($"PipelineOptions.{name} must be > 0, got {value}.");
    }
}
