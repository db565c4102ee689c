using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Spark3D.Training.Feed;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Root of one pre-training run (<c>/user/pretrain</c>). Owns the run directory (quarantine.jsonl, summary.json), creates
/// the stages and declares how each is supervised:
/// <list type="bullet">
/// <item>trainer: under a <see cref="BackoffSupervisor"/> (<c>Backoff.OnFailure</c>): any exception or non-finite loss stops
/// it, and a new one starts after an exponential delay and restores the last good checkpoint; every failure is counted here,
/// and more than K within T ends the run with exit code 2;</item>
/// <item>loader, masker: restarted on a crash (a bug; per-volume problems never crash them);</item>
/// <item>preprocessors: their pool restarts crashed workers; unusable volumes arrive as <see cref="VolumeQuarantined"/>.</item>
/// </list>
/// The data stages start only once the trainer has restored its cursor, so a resumed run continues exactly where the
/// checkpoint's data position left off. The run ends with a <see cref="PipelineResult"/> on the completion source.
/// </summary>
public sealed class PretrainSupervisor : ReceiveActor
{
    private sealed record TrainerFailed(string Reason);

    /// <summary>The BackoffSupervisor's answer while no trainer is running.</summary>
    private sealed record TrainerRestarting
    {
        public static readonly TrainerRestarting Instance = new();
    }
    private sealed record StopAcked(IActorRef ReplyTo, object Reply, string Reason);

    private readonly PipelineContext _ctx;
    private readonly TaskCompletionSource<PipelineResult> _done;
    private readonly Queue<DateTime> _failures = new();
    private readonly DateTime _started = DateTime.UtcNow;
    private QuarantineLog _quarantine = null!;
    private IActorRef _trainer = ActorRefs.Nobody;
    private bool _dataStarted;
    private bool _ended;
    private long _restoredStep;

    /// <summary>Creates the run's root; the result of the run is set on <paramref name="done"/>.</summary>
    public PretrainSupervisor(PipelineContext ctx, TaskCompletionSource<PipelineResult> done)
    {
        _ctx = ctx;
        _done = done;
        Receive<TrainerReady>(OnTrainerReady);
        Receive<TrainerFailed>(OnTrainerFailed);
        Receive<VolumeQuarantined>(OnQuarantined);
        Receive<TrainingCompleted>(c => End(0, $"completed {c.Step} steps"));
        Receive<RequestGracefulStop>(OnRequestGracefulStop);
        Receive<StopAcked>(a =>
        {
            End(0, $"stopped gracefully ({a.Reason})");
            a.ReplyTo.Tell(a.Reply);
        });
        Receive<GetPipelineStatus>(_ => Sender.Tell(_ctx.Metrics.Snapshot()));
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("pretrain", _ended ? "ended" : "running", _restoredStep)));
    }

    /// <summary>Props for the run's root.</summary>
    public static Props Props(PipelineContext ctx, TaskCompletionSource<PipelineResult> done) =>
        Akka.Actor.Props.Create(() => new PretrainSupervisor(ctx, done));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Directory.CreateDirectory(_ctx.Options.RunDirectory);
        _quarantine = new QuarantineLog(_ctx.RunFile(RunFileNames.Quarantine));
        _ctx.Metrics.Attach(_ctx.Channels);
        _ctx.Metrics.Attach(() => _ctx.Tracker?.Snapshot());
        var self = Self;
        var o = _ctx.Options;
        var backoff = Backoff.OnFailure(Trainer.Props(_ctx, self), "engine", o.TrainerMinBackoff, o.TrainerMaxBackoff,
                o.TrainerBackoffRandomFactor, -1)
            .WithAutoReset(o.TrainerMinBackoff)
            // While the trainer waits out its backoff there is nothing to checkpoint: answer a stop request at once.
            .WithReplyWhileStopped(TrainerRestarting.Instance)
            .WithSupervisorStrategy(new OneForOneStrategy(e =>
            {
                // Runs inside the BackoffSupervisor: report, then let it stop the trainer and start a fresh one later.
                self.Tell(new TrainerFailed($"{e.GetType().Name}: {(e is ActorInitializationException { InnerException: { } inner } ? inner.Message : e.Message)}"));
                return Directive.Restart;
            }));
        _trainer = Context.ActorOf(BackoffSupervisor.Props(backoff), "trainer");
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: e =>
        {
            _ctx.Metrics.ActorRestarted("stage");
            return Directive.Restart;
        });

    private void OnTrainerReady(TrainerReady ready)
    {
        if (!ready.FirstStart) _ctx.Metrics.ActorRestarted("trainer");
        if (_dataStarted) return;
        _dataStarted = true;
        _restoredStep = ready.Step;
        int count = _ctx.Volumes.Count;
        var cursor = ready.Cursor ?? PipelineCursor.Start(_ctx.Options.Seed, count);
        if (cursor.Seed != _ctx.Options.Seed)
        {
            End(4, $"the checkpoint's data cursor uses seed {cursor.Seed} but this run uses seed {_ctx.Options.Seed}");
            return;
        }
        if (cursor.VolumeCount != count)
        {
            Context.GetLogger().Warning("The checkpoint's cursor covers {0} volumes but the catalog now has {1}: epoch {2} is abandoned, training continues with the next epoch.",
                cursor.VolumeCount, count, cursor.Epoch);
            cursor = cursor.ForCatalog(count);
        }
        _ctx.Tracker = new ConsumptionTracker(cursor, count);
        var loader = Context.ActorOf(DatasetLoader.Props(_ctx), "loader");
        Context.ActorOf(PreprocessorPool.Props(_ctx), "preprocessors");
        var masker = Context.ActorOf(Masker.Props(_ctx, ready.Step), "masker");
        _ctx.Metrics.WatchMailbox("loader", loader);
        _ctx.Metrics.WatchMailbox("masker", masker);
        loader.Tell(new StartLoading(cursor));
    }

    private void OnTrainerFailed(TrainerFailed failed)
    {
        _ctx.Metrics.TrainerFailed();
        var now = DateTime.UtcNow;
        _failures.Enqueue(now);
        while (_failures.Count > 0 && now - _failures.Peek() > _ctx.Options.FailureWindow) _failures.Dequeue();
        if (_failures.Count > _ctx.Options.MaxFailuresInWindow)
            End(2, $"trainer failed {_failures.Count} times within {_ctx.Options.FailureWindow}; last: {failed.Reason}");
    }

    private void OnQuarantined(VolumeQuarantined q)
    {
        _ctx.Tracker?.MarkConsumed(q.Ticket.Slot);
        if (_quarantine.Add(new QuarantineEntry(q.Ticket.Volume.Id, q.File, q.Reason, q.Attempts, DateTime.UtcNow)))
            _ctx.Metrics.VolumeQuarantined();
        if (_quarantine.Count >= _ctx.Volumes.Count)
            End(3, $"all {_ctx.Volumes.Count} volumes are quarantined (see {_quarantine.Path}); nothing to train on");
    }

    private void OnRequestGracefulStop(RequestGracefulStop request)
    {
        var replyTo = Sender;
        if (_ended)
        {
            replyTo.Tell(new TrainerStopped(_ctx.Metrics.Snapshot().Step));
            return;
        }
        _trainer.Ask<object>(new StopAndCheckpoint(), _ctx.Options.FinalCheckpointTimeout)
            .PipeTo(Self, success: s => s is TrainerStopped
                    ? new StopAcked(replyTo, s, request.Reason)
                    : new StopAcked(replyTo, new TrainerStopped(_ctx.Metrics.Snapshot().Step), $"{request.Reason}; trainer was restarting, last checkpoint kept"),
                failure: e => new StopAcked(replyTo, new Status.Failure(e), $"{request.Reason}; final checkpoint not confirmed: {e.Message}"));
    }

    private void End(int exitCode, string reason)
    {
        if (_ended) return;
        _ended = true;
        var s = _ctx.Metrics.Snapshot();
        // A resumed run reports the whole run's first loss; a rerun that had nothing left to do keeps the last one too.
        var previous = _restoredStep > 0 ? RunSummaryWriter.PreviousLosses(_ctx.RunFile(RunFileNames.Summary)) : default;
        double? lossFirst = previous.First ?? s.LossFirst;
        double? lossLast = s.LossLast ?? previous.Last;
        var result = new PipelineResult(s.Step, s.StepsThisRun, lossFirst, lossLast, _quarantine.Count, s.Restarts,
            exitCode, reason, DateTime.UtcNow - _started, s.DataWaitFraction);
        // Written here, synchronously, so it exists even when the process is exiting on SIGTERM.
        RunSummaryWriter.Write(_ctx.RunFile(RunFileNames.Summary), result, _ctx.Options.CpuIsa);
        _ctx.Channels.CompleteAll();
        _done.TrySetResult(result);
    }
}
