using System.Diagnostics;
using Akka.Actor;
using Spark3D.Data.Sampling;
using Spark3D.Data.Seeding;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// One worker of the <see cref="PreprocessorPool"/>: pulls a ticket from the volume channel, calls
/// <see cref="IPatchProducer.Produce"/> (on the pool's dedicated dispatcher) and writes the patch into the patch channel.
/// A transient <see cref="IOException"/> is retried after an exponential delay (bounded tries); any other failure, or
/// running out of tries, reports <see cref="VolumeQuarantined"/> to the parent, writes the ticket's skip mark
/// (<see cref="PatchItem.Skipped"/>) for the masker's order and moves on. Never blocks its mailbox: empty
/// or full channels are awaited with <c>PipeTo(Self)</c>.
/// </summary>
public sealed class Preprocessor : ReceiveActor, IWithTimers
{
    private sealed record PullNext;
    private sealed record DataAvailable(bool Open);
    private sealed record SpaceAvailable(bool Open);
    private sealed record Retry(VolumeTicket Ticket, int Attempt);

    private readonly PipelineContext _ctx;
    private readonly string _name;
    private PatchItem? _pending;
    private long _produced;
    private string _state = "starting";

    /// <summary>Timers for retry delays (cancelled automatically when the actor stops).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates a worker; it starts pulling at once.</summary>
    public Preprocessor(PipelineContext ctx, string name)
    {
        _ctx = ctx;
        _name = name;
        Become(Pulling);
    }

    /// <summary>Props for a worker (the pool sets the dispatcher).</summary>
    public static Props Props(PipelineContext ctx, string name) => Akka.Actor.Props.Create(() => new Preprocessor(ctx, name));

    /// <inheritdoc />
    protected override void PreStart() => Self.Tell(new PullNext());

    private void Common() => Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus(_name, _state, _produced)));

    private void Pulling()
    {
        _state = "running";
        Receive<PullNext>(_ => Pull());
        Receive<DataAvailable>(d => { if (d.Open) Pull(); else Become(Closed); });
        Receive<Retry>(r => Process(r.Ticket, r.Attempt));
        Common();
    }

    private void WaitingForSpace()
    {
        _state = "waiting-for-space";
        Receive<SpaceAvailable>(s =>
        {
            if (!s.Open) { Become(Closed); return; }
            Become(Pulling);
            Offer(_pending!);
        });
        Common();
    }

    private void Closed()
    {
        _state = "closed";
        Common();
    }

    private void Pull()
    {
        if (_ctx.Channels.Volumes.Reader.TryRead(out var ticket))
        {
            Process(ticket, 1);
            return;
        }
        _state = "waiting-for-data";
        _ctx.Channels.Volumes.Reader.WaitToReadAsync().AsTask()
            .PipeTo(Self, success: open => new DataAvailable(open), failure: _ => new DataAvailable(false));
    }

    private void Process(VolumeTicket ticket, int attempt)
    {
        _state = "running";
        Patch patch;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var rng = new Random(SeedMixer.Mix(_ctx.Options.Seed, SeedMixer.Patches, ticket.Slot.Epoch, ticket.Slot.Position));
            patch = _ctx.Producer.Produce(ticket.Volume, rng);
        }
        catch (Exception e) when (PatchFailures.IsTransient(e) && attempt < _ctx.Options.IoRetryMaxAttempts)
        {
            var delay = _ctx.Options.IoRetryBaseDelay * Math.Pow(2, attempt - 1);
            _state = "retrying";
            Timers.StartSingleTimer("retry", new Retry(ticket, attempt + 1), delay);
            return;
        }
        catch (Exception e)
        {
            string reason = $"{e.GetType().Name}: {e.Message}";
            if (PatchFailures.IsTransient(e)) reason = $"gave up after {attempt} tries: {reason}";
            Context.Parent.Tell(new VolumeQuarantined(ticket, ticket.Volume.Path, reason, attempt));
            Offer(PatchItem.Skipped(ticket)); // the masker's ticket order moves past it
            return;
        }
        _ctx.Metrics.PatchProduced(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Offer(new PatchItem(ticket, patch));
    }

    private void Offer(PatchItem item)
    {
        var writer = _ctx.Channels.Patches.Writer;
        if (writer.TryWrite(item))
        {
            _pending = null;
            if (!item.IsSkipped) _produced++;
            Self.Tell(new PullNext()); // next item on a later turn, so status queries interleave
            return;
        }
        _pending = item;
        Become(WaitingForSpace);
        writer.WaitToWriteAsync().AsTask()
            .PipeTo(Self, success: open => new SpaceAvailable(open), failure: _ => new SpaceAvailable(false));
    }
}
