namespace Spark3D.Actors.Cluster;

/// <summary>Work-pulling settings (HOCON <c>spark3d.cluster</c>; the host maps config to this record).</summary>
public sealed record PreprocessJobOptions
{
    /// <summary>A granted item not reported within this time is re-queued. Must exceed the slowest volume's job time.</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the coordinator scans for expired leases.</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most items a worker asks for (and the coordinator grants) in one request.</summary>
    public int RequestBatchSize { get; init; } = 4;

    /// <summary>Jobs a worker keeps in flight; 0 means one per CPU core.</summary>
    public int WorkerParallelism { get; init; }

    /// <summary>How often a worker repeats <see cref="RegisterWorker"/> until the coordinator answers.</summary>
    public TimeSpan RegistrationRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A worker that has had no <see cref="WorkerRegistered"/> this long after it started stops (the host exits with
    /// code 5): a coordinator that is not running, or a wrong seed, must not keep a worker waiting forever.
    /// </summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a worker waits after <see cref="NoWorkYet"/> before asking again.</summary>
    public TimeSpan NoWorkRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A request with no answer within this time is sent again (lost during a singleton hand-over).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The parallelism to use: <see cref="WorkerParallelism"/>, or the core count when it is 0.</summary>
    public int EffectiveParallelism => WorkerParallelism > 0 ? WorkerParallelism : Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (LeaseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"lease timeout must be positive, got {LeaseTimeout}", nameof(LeaseTimeout));
        }

        if (LeaseCheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"lease check interval must be positive, got {LeaseCheckInterval}", nameof(LeaseCheckInterval));
        }

        if (RequestBatchSize < 1)
        {
            throw new ArgumentException($"request batch size must be >= 1, got {RequestBatchSize}", nameof(RequestBatchSize));
        }

        if (WorkerParallelism < 0)
        {
            throw new ArgumentException($"worker parallelism must be >= 0, got {WorkerParallelism}", nameof(WorkerParallelism));
        }

        if (RegistrationRetryInterval <= TimeSpan.Zero || NoWorkRetryInterval <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero
            || RegistrationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("worker retry intervals, registration timeout and request timeout must be positive");
        }
    }
}
