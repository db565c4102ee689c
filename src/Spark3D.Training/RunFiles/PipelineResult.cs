namespace Spark3D.Training.RunFiles;

/// <summary>How a run ended; also written to <c>summary.json</c>.</summary>
/// <param name="Step">The engine's step count at the end (including steps of earlier, resumed parts).</param>
/// <param name="StepsThisRun">Steps done by this process.</param>
/// <param name="LossFirst">Loss of the run's first step (kept from the previous summary.json when resuming).</param>
/// <param name="LossLast">Loss of the last step.</param>
/// <param name="Quarantined">Distinct volumes in quarantine.jsonl.</param>
/// <param name="Restarts">Trainer restarts in this process.</param>
/// <param name="ExitCode">0 = finished or stopped gracefully; 2 = too many trainer failures; 3 = no usable data; 4 = internal error.</param>
/// <param name="Reason">One line saying why the run ended.</param>
/// <param name="Elapsed">Wall time of this process's run.</param>
/// <param name="DataWaitFraction">Share of trainer time spent waiting for data.</param>
public sealed record PipelineResult(long Step, long StepsThisRun, double? LossFirst, double? LossLast, int Quarantined,
    long Restarts, int ExitCode, string Reason, TimeSpan Elapsed, double DataWaitFraction);
