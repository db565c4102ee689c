namespace Spark3D.Training.Telemetry;

/// <summary>A point-in-time view of a run, cheap to poll (e.g. by a console view once a second).</summary>
public sealed record PipelineStatus
{
    /// <summary>Optimiser steps done (including restored ones).</summary>
    public long Step { get; init; }
    /// <summary>Target step count.</summary>
    public long TotalSteps { get; init; }
    /// <summary>Steps done by this process.</summary>
    public long StepsThisRun { get; init; }
    /// <summary>Epoch of the data watermark.</summary>
    public int Epoch { get; init; }
    /// <summary>Position of the data watermark within the epoch.</summary>
    public int Position { get; init; }
    /// <summary>Loss of the first step of this process (null before it).</summary>
    public double? LossFirst { get; init; }
    /// <summary>Loss of the latest step.</summary>
    public double? LossLast { get; init; }
    /// <summary>Learning rate of the latest step.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Volume references emitted by the loader.</summary>
    public long VolumesEmitted { get; init; }
    /// <summary>Patches produced.</summary>
    public long Patches { get; init; }
    /// <summary>Batches assembled.</summary>
    public long Batches { get; init; }
    /// <summary>Patches per second since the run started.</summary>
    public double PatchesPerSecond { get; init; }
    /// <summary>Batches per second since the run started.</summary>
    public double BatchesPerSecond { get; init; }
    /// <summary>Items in the volume channel / its capacity.</summary>
    public int VolumeDepth { get; init; }
    /// <summary>Items in the patch channel.</summary>
    public int PatchDepth { get; init; }
    /// <summary>Items in the batch channel.</summary>
    public int BatchDepth { get; init; }
    /// <summary>Files quarantined by this process.</summary>
    public long Quarantined { get; init; }
    /// <summary>Trainer restarts (after failures) in this process.</summary>
    public long Restarts { get; init; }
    /// <summary>Trainer failures seen in this process.</summary>
    public long Failures { get; init; }
    /// <summary>Share of trainer wall time spent waiting for data (0..1; high = the GPU starves).</summary>
    public double DataWaitFraction { get; init; }
    /// <summary>Mean seconds per optimiser step (compute only).</summary>
    public double MeanStepSeconds { get; init; }
    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>Estimated time to <see cref="TotalSteps"/> at the current pace (null before any step).</summary>
    public TimeSpan? Eta { get; init; }
}
