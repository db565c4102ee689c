namespace Spark3D.Host.Commands;

/// <summary>
/// The one exit-code rule of every `spark3d` command (README "Exit codes"): 0 success, 2 bad input or usage (flags,
/// configuration, data, checkpoint, not enough memory). The others are for runs that started and then could not finish.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done (or stopped gracefully on request).</summary>
    public const int Success = 0;

    /// <summary>An unexpected internal error (a bug): the exception is printed.</summary>
    public const int InternalError = 1;

    /// <summary>
    /// Bad input or usage: an unknown flag, a bad value, an unreadable file, a configuration error, a run that would not
    /// fit in memory. A training run whose trainer kept failing (an unreadable checkpoint, a non-finite loss again and
    /// again) ends with it too (the pipeline's <c>PipelineResult.ExitCode</c>; the reason is in summary.json).
    /// </summary>
    public const int BadInput = 2;

    /// <summary>Pre-training/fine-tuning: every volume was quarantined, nothing left to train on.</summary>
    public const int NoUsableData = 3;

    /// <summary>Pre-training/fine-tuning: the run cannot continue consistently (the checkpoint's data cursor has another seed).</summary>
    public const int RunInconsistent = 4;

    /// <summary>`spark3d node`: the coordinator went away before all work was done, or none answered within the registration timeout.</summary>
    public const int CoordinatorLost = 5;

    /// <summary>Cancelled with Ctrl-C (128 + SIGINT); rerunning resumes.</summary>
    public const int Cancelled = 130;
}
