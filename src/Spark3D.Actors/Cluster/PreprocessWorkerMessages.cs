namespace Spark3D.Actors.Cluster;

// Local messages of PreprocessWorker (host ↔ worker on the same node; they never cross the wire).

/// <summary>Host → worker: reply with a <see cref="WorkerOutcome"/> once the worker has stopped pulling.</summary>
public sealed record AwaitWorkerDone
{
    private AwaitWorkerDone()
    {
    }

    /// <summary>The single instance.</summary>
    public static AwaitWorkerDone Instance { get; } = new();
}

/// <summary>Why a worker stopped pulling.</summary>
/// <param name="AllWorkDone">True when the coordinator said every item is finished.</param>
/// <param name="Reason">Short human-readable reason.</param>
public sealed record WorkerOutcome(bool AllWorkDone, string Reason);

/// <summary>Host → worker: reply with a <see cref="WorkerStatus"/> snapshot.</summary>
public sealed record GetWorkerStatus
{
    private GetWorkerStatus()
    {
    }

    /// <summary>The single instance.</summary>
    public static GetWorkerStatus Instance { get; } = new();
}

/// <summary>A worker's local counters.</summary>
/// <param name="Registered">True once the coordinator answered the registration.</param>
/// <param name="InFlight">Jobs running now.</param>
/// <param name="Completed">Jobs that returned ok.</param>
/// <param name="Failed">Jobs that failed or threw.</param>
/// <param name="Finished">True once the worker stopped pulling.</param>
public sealed record WorkerStatus(bool Registered, int InFlight, int Completed, int Failed, bool Finished);
