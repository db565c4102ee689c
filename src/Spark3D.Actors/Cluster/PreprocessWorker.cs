using Akka.Actor;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;
using ClusterEvent = Akka.Cluster.ClusterEvent;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Pulls volumes from the <see cref="PreprocessCoordinator"/> (through its singleton proxy) and keeps
/// <see cref="PreprocessJobOptions.EffectiveParallelism"/> jobs in flight. Each <see cref="IVolumeJob.Run"/> runs on
/// its own long-running thread, never on an actor dispatcher thread, so cluster heartbeats and this actor stay
/// responsive; results come back with PipeTo. Registration is retried until the coordinator answers, for at most
/// <see cref="PreprocessJobOptions.RegistrationTimeout"/>; then the worker stops (outcome not AllWorkDone). Once
/// registered, a coordinator that goes away ends the worker through cluster membership (the split-brain resolver
/// removes the unreachable node, or this one): so a worker never waits forever.
/// </summary>
public sealed class PreprocessWorker : ReceiveActor, IWithTimers
{
    private const string RegisterTimer = "register";
    private const string RequestTimer = "request";
    private const string RegistrationDeadlineTimer = "registration-deadline";
    private const int RegistrationWarnEvery = 15;

    /// <summary>The outcome's reason when the worker stops without being told (its actor system shut down).</summary>
    internal const string SystemStoppedReason =
        "this node's actor system stopped (it was downed, e.g. by the split-brain resolver after losing the coordinator)";

    private readonly IActorRef _coordinator;
    private readonly IVolumeJob _job;
    private readonly PreprocessJobOptions _options;
    private readonly int _parallelism;
    private readonly string _address;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _cts = new();
    private readonly List<IActorRef> _doneWaiters = [];
    private WorkerOutcome? _outcome;
    private bool _registered;
    private int _registrationAttempts;
    private bool _awaitingGrant;
    private int _inFlight;
    private int _completed;
    private int _failed;

    /// <summary>Creates the worker; prefer <see cref="Props"/>.</summary>
    public PreprocessWorker(IActorRef coordinator, IVolumeJob job, PreprocessJobOptions options)
    {
        options.Validate();
        _coordinator = coordinator;
        _job = job;
        _options = options;
        _parallelism = options.EffectiveParallelism;
        _address = AkkaCluster.Get(Context.System).SelfAddress.ToString();
        Registering();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for a worker that talks to <paramref name="coordinator"/> (normally the singleton proxy).</summary>
    public static Props Props(IActorRef coordinator, IVolumeJob job, PreprocessJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        return Akka.Actor.Props.Create(() => new PreprocessWorker(coordinator, job, options));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        AkkaCluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberLeft));
        SendRegistration();
        Timers.StartPeriodicTimer(RegisterTimer, RetryRegistration.Instance, _options.RegistrationRetryInterval);
        Timers.StartSingleTimer(RegistrationDeadlineTimer, RegistrationDeadline.Instance, _options.RegistrationTimeout);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        AkkaCluster.Get(Context.System).Unsubscribe(Self);
        _cts.Cancel();
        if (_outcome is null)
        {
            var outcome = new WorkerOutcome(false, SystemStoppedReason);
            foreach (var waiter in _doneWaiters)
            {
                waiter.Tell(outcome);
            }
        }
    }

    private void Registering()
    {
        Receive<RetryRegistration>(_ => SendRegistration());
        Receive<RegistrationDeadline>(_ => StopPulling(new WorkerOutcome(
            false,
            $"no coordinator answered {_registrationAttempts} registration attempts within {_options.RegistrationTimeout} " +
            "(registration-timeout): is it running, and is the seed its address?")));
        Receive<WorkerRegistered>(m =>
        {
            _log.Info("Registered with coordinator at {0}; parallelism {1}", m.CoordinatorAddress, _parallelism);
            BecomeActive();
        });
        Receive<WorkGranted>(m =>
        {
            BecomeActive();
            OnGranted(m);
        });
        Common();
    }

    private void BecomeActive()
    {
        _registered = true;
        Timers.Cancel(RegisterTimer);
        Timers.Cancel(RegistrationDeadlineTimer);
        Become(Active);
        RequestMore();
    }

    private void Active()
    {
        Receive<WorkGranted>(OnGranted);
        Receive<NoWorkYet>(_ =>
        {
            _awaitingGrant = false;
            Timers.Cancel(RequestTimer);
            Timers.StartSingleTimer(RequestTimer, RetryRequest.Instance, _options.NoWorkRetryInterval);
        });
        Receive<RetryRequest>(_ =>
        {
            _awaitingGrant = false;
            RequestMore();
        });
        Receive<WorkerRegistered>(_ => { });
        Receive<RetryRegistration>(_ => { });
        Receive<RegistrationDeadline>(_ => { });
        Common();
    }

    private void Finished()
    {
        Receive<WorkGranted>(m => _log.Warning("Grant {0} after the job finished ignored", m.LeaseId));
        Receive<NoWorkYet>(_ => { });
        Receive<RetryRequest>(_ => { });
        Receive<WorkerRegistered>(_ => { });
        Receive<RetryRegistration>(_ => { });
        Receive<RegistrationDeadline>(_ => { });
        Common();
    }

    // Handled in every state.
    private void Common()
    {
        Receive<JobFinished>(OnJobFinished);
        Receive<AllWorkDone>(_ => StopPulling(new WorkerOutcome(true, "all work done")));
        Receive<ClusterEvent.MemberRemoved>(OnMemberRemoved);
        Receive<ClusterEvent.MemberLeft>(OnMemberLeft);
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<AwaitWorkerDone>(_ =>
        {
            if (_outcome is not null)
            {
                Sender.Tell(_outcome);
            }
            else
            {
                _doneWaiters.Add(Sender);
            }
        });
        Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus(_registered, _inFlight, _completed, _failed, _outcome is not null)));
    }

    private void SendRegistration()
    {
        _registrationAttempts++;
        if (_registrationAttempts % RegistrationWarnEvery == 0)
        {
            _log.Warning(
                "No answer from the preprocess coordinator after {0} registration attempts ({1} apart); still trying",
                _registrationAttempts,
                _options.RegistrationRetryInterval);
        }

        _coordinator.Tell(new RegisterWorker(_address, _parallelism));
    }

    private void RequestMore()
    {
        if (_outcome is not null || _awaitingGrant)
        {
            return;
        }

        var free = _parallelism - _inFlight;
        if (free <= 0)
        {
            return;
        }

        _awaitingGrant = true;
        _coordinator.Tell(new RequestWork(_address, Math.Min(free, _options.RequestBatchSize)));

        // An unanswered request (lost in a singleton hand-over) is sent again.
        Timers.StartSingleTimer(RequestTimer, RetryRequest.Instance, _options.RequestTimeout);
    }

    private void OnGranted(WorkGranted grant)
    {
        _awaitingGrant = false;
        Timers.Cancel(RequestTimer);
        foreach (var item in grant.Items)
        {
            Start(item, grant.LeaseId);
        }

        RequestMore();
    }

    private void Start(VolumeWorkItem item, string leaseId)
    {
        _inFlight++;
        var job = _job;
        var ct = _cts.Token;

        // LongRunning: a dedicated thread per job, so blocking IO/CPU never starves the dispatcher's thread pool.
        Task.Factory.StartNew(() => RunSafely(job, item, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .PipeTo(
                Self,
                success: result => new JobFinished(item, leaseId, result),
                failure: ex => new JobFinished(item, leaseId, VolumeJobResult.Failed("job cancelled: " + ex.GetBaseException().Message)));
    }

    private static VolumeJobResult RunSafely(IVolumeJob job, VolumeWorkItem item, CancellationToken ct)
    {
        try
        {
            return job.Run(item, ct) ?? VolumeJobResult.Failed("job returned no result");
        }
        catch (Exception ex)
        {
            return VolumeJobResult.Failed($"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private void OnJobFinished(JobFinished m)
    {
        _inFlight--;
        var result = m.Result;
        if (result.Succeeded)
        {
            _completed++;
            _coordinator.Tell(new WorkCompleted(m.Item.Id, m.LeaseId, _address, result.OutputPath!, result.ContentHash!, result.Stats ?? ""));
        }
        else
        {
            _failed++;
            // With the cause: its stack trace goes to the node's log file (the console shows one line).
            _log.Warning(result.Cause, "Item '{0}' failed: {1}", m.Item.Id, result.Reason);
            _coordinator.Tell(new WorkFailed(m.Item.Id, m.LeaseId, _address, result.Reason ?? "unknown"));
        }

        RequestMore();
    }

    private void OnMemberLeft(ClusterEvent.MemberLeft m)
    {
        // This node is shutting down: take no new leases; running jobs still report if they finish in time.
        if (m.Member.Address.Equals(AkkaCluster.Get(Context.System).SelfAddress))
        {
            StopPulling(new WorkerOutcome(false, "this node is leaving the cluster"));
        }
    }

    private void OnMemberRemoved(ClusterEvent.MemberRemoved m)
    {
        // The coordinator may leave right after announcing AllWorkDone; if that message was missed, stop here.
        if (!m.Member.HasRole(ClusterRoles.Coordinator))
        {
            return;
        }

        var coordinatorsLeft = AkkaCluster.Get(Context.System).State.Members
            .Any(x => x.HasRole(ClusterRoles.Coordinator) && !x.Address.Equals(m.Member.Address));
        if (!coordinatorsLeft)
        {
            StopPulling(new WorkerOutcome(false, $"coordinator node {m.Member.Address} left the cluster"));
        }
    }

    private void StopPulling(WorkerOutcome outcome)
    {
        if (_outcome is not null)
        {
            return;
        }

        _outcome = outcome;
        _log.Info("Worker stops pulling: {0} ({1} completed, {2} failed here)", outcome.Reason, _completed, _failed);
        Timers.CancelAll();
        foreach (var waiter in _doneWaiters)
        {
            waiter.Tell(outcome);
        }

        _doneWaiters.Clear();
        Become(Finished);
    }

    private sealed record JobFinished(VolumeWorkItem Item, string LeaseId, VolumeJobResult Result);

    private sealed class RetryRegistration
    {
        public static readonly RetryRegistration Instance = new();
    }

    private sealed class RetryRequest
    {
        public static readonly RetryRequest Instance = new();
    }

    private sealed class RegistrationDeadline
    {
        public static readonly RegistrationDeadline Instance = new();
    }
}
