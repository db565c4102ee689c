using System.Diagnostics;
using Akka.Actor;
using Spark3D.Model.Training;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Runs the optimiser loop on its own pinned thread, one step per self-message so control messages interleave: take a
/// batch from the batch channel (synchronous <c>TryRead</c>, or wait via <c>WaitToReadAsync().PipeTo(Self)</c> while the
/// time is counted as data-wait), mark its volumes consumed, train, checkpoint every N steps.
/// On (re)start it creates a fresh engine and restores the newest checkpoint, then reports <see cref="TrainerReady"/> to the run's
/// supervisor. Any exception propagates: the parent <c>BackoffSupervisor</c> stops it and starts a new one after a delay.
/// </summary>
public sealed class Trainer : ReceiveActor
{
    private sealed record NextStep;
    private sealed record DataAvailable(bool Open);

    private readonly PipelineContext _ctx;
    private readonly IActorRef _supervisor;
    private readonly Stopwatch _waitClock = new();
    private ITrainerEngine? _engine;
    private ConsumedTrace? _trace;
    private MetricsJsonlWriter? _metricsFile;
    private long _lastCheckpointStep = -1;
    private string _state = "starting";

    /// <summary>Creates the trainer; <paramref name="supervisor"/> receives <see cref="TrainerReady"/> and <see cref="TrainingCompleted"/>.</summary>
    public Trainer(PipelineContext ctx, IActorRef supervisor)
    {
        _ctx = ctx;
        _supervisor = supervisor;
        Become(Training);
    }

    /// <summary>Props on the pinned trainer dispatcher.</summary>
    public static Props Props(PipelineContext ctx, IActorRef supervisor) =>
        Akka.Actor.Props.Create(() => new Trainer(ctx, supervisor)).WithDispatcher(PipelineAkkaConfig.TrainerDispatcherId);

    private long Step => _engine!.Step;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _ctx.Metrics.WatchMailbox("trainer", Self);
        _engine = _ctx.Engines.Create();
        var cursor = _engine.RestoreLatest();
        bool first = _ctx.NoteTrainerStart(); // counted only once a restore succeeded
        _lastCheckpointStep = cursor is null ? -1 : _engine.Step;
        _ctx.Metrics.StepRestored(_engine.Step);
        if (_ctx.Options.TraceConsumedVolumes)
        {
            _trace = new ConsumedTrace(_ctx.RunFile(RunFileNames.ConsumedTrace));
            // Lines after the restored step belong to a killed process's unsaved steps; those volumes come again.
            if (first) _trace.TruncateAfter(_engine.Step);
        }
        if (_ctx.Options.MetricsEverySteps > 0) _metricsFile = new MetricsJsonlWriter(_ctx.RunFile(RunFileNames.Metrics));
        _supervisor.Tell(new TrainerReady(_engine.Step, cursor, first));
        Self.Tell(new NextStep());
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _trace?.Dispose();
        _metricsFile?.Dispose();
        _engine?.Dispose();
    }

    private void Common()
    {
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("trainer", _state, _engine?.Step ?? 0)));
    }

    private void Training()
    {
        _state = "running";
        Receive<NextStep>(_ => TryStep());
        Receive<DataAvailable>(d => { if (d.Open) TryStep(); else Become(Finished); });
        Receive<StopAndCheckpoint>(_ =>
        {
            Checkpoint();
            Become(Finished);
            Sender.Tell(new TrainerStopped(Step));
        });
        Common();
    }

    private void Finished()
    {
        _state = "finished";
        Receive<StopAndCheckpoint>(_ => Sender.Tell(new TrainerStopped(Step)));
        Receive<NextStep>(_ => { });
        Receive<DataAvailable>(_ => { });
        Common();
    }

    private void TryStep()
    {
        if (Step >= _ctx.Options.TotalSteps)
        {
            Checkpoint();
            Become(Finished);
            _supervisor.Tell(new TrainingCompleted(Step));
            return;
        }
        if (!_ctx.Channels.Batches.Reader.TryRead(out var batch))
        {
            _state = "waiting-for-data";
            if (!_waitClock.IsRunning) _waitClock.Restart();
            _ctx.Channels.Batches.Reader.WaitToReadAsync().AsTask()
                .PipeTo(Self, success: open => new DataAvailable(open), failure: _ => new DataAvailable(false));
            return;
        }
        _state = "running";
        double waited = _waitClock.IsRunning ? _waitClock.Elapsed.TotalSeconds : 0;
        _waitClock.Reset();
        RunStep(batch, waited);
        Self.Tell(new NextStep());
    }

    private void RunStep(BatchItem batch, double waitedSeconds)
    {
        // Taken out of the channel = consumed, whether or not the step succeeds (see PipelineCursor).
        var tracker = _ctx.Tracker ?? throw new InvalidOperationException("Trainer got a batch before the tracker was set.");
        foreach (var t in batch.Tickets) tracker.MarkConsumed(t.Slot);
        _trace?.Append(Step + 1, batch.Tickets);

        var clock = Stopwatch.StartNew();
        var outcome = _engine!.Train(batch.Batch);
        double seconds = clock.Elapsed.TotalSeconds;
        batch.Batch.ReturnArrays(); // the engine has copied the voxels into its tensors; the next patches reuse the pages
        if (!double.IsFinite(outcome.Loss)) throw new NonFiniteLossException(Step, "loss", outcome.Loss, "reported by the engine after its step");

        _ctx.Metrics.StepDone(Step, outcome, waitedSeconds, seconds);
        if (_metricsFile is not null && Step % _ctx.Options.MetricsEverySteps == 0)
        {
            _metricsFile.Append(Step, [
                new("loss", outcome.Loss), new("lr", outcome.LearningRate), new("data_wait_s", waitedSeconds),
                new("step_time_s", seconds), new("mask_ratio", batch.Batch.MaskRatio),
            ]);
        }
        if (outcome.Validation is { } v)
        {
            _ctx.Metrics.ValidationDone(v.PseudoDice, v.PseudoDiceEma, v.Seconds);
            _metricsFile?.Append(Step, [
                new("pseudo_dice", v.PseudoDice), new("pseudo_dice_ema", v.PseudoDiceEma), new("validation_s", v.Seconds),
                .. v.PerClass.Select((d, i) => new KeyValuePair<string, double>($"dice_{i + 1}", d)),
            ]);
        }
        if (Step % _ctx.Options.CheckpointEverySteps == 0) Checkpoint();
    }

    private void Checkpoint()
    {
        if (_engine is null || Step == _lastCheckpointStep || _ctx.Tracker is not { } tracker) return;
        _engine.SaveCheckpoint(tracker.Snapshot());
        _lastCheckpointStep = Step;
    }
}
