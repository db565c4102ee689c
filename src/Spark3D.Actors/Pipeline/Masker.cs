using Akka.Actor;
using Spark3D.Data.Seeding;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Collects <see cref="PipelineOptions.BatchSize"/> patches from the patch channel, has the run's
/// <see cref="IBatchAssembler"/> assemble them (for pre-training it draws one mask ratio and the block masks; for
/// fine-tuning it only checks the labels), and writes the <see cref="BatchItem"/> (with the patches' tickets) into the
/// batch channel. Waits for data or space with <c>PipeTo(Self)</c>, never blocking its mailbox.
/// </summary>
public sealed class Masker : ReceiveActor
{
    private sealed record PullNext;
    private sealed record DataAvailable(bool Open);
    private sealed record SpaceAvailable(bool Open);

    private readonly PipelineContext _ctx;
    private readonly List<PatchItem> _gathered = [];
    private BatchItem? _pending;
    private long _sequence;
    private string _state = "starting";

    /// <summary>Creates the masker; it starts pulling at once.</summary>
    public Masker(PipelineContext ctx)
    {
        _ctx = ctx;
        Become(Gathering);
    }

    /// <summary>Props for the masker.</summary>
    public static Props Props(PipelineContext ctx) => Akka.Actor.Props.Create(() => new Masker(ctx));

    /// <inheritdoc />
    protected override void PreStart() => Self.Tell(new PullNext());

    private void Common() => Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("masker", _state, _sequence)));

    private void Gathering()
    {
        _state = "running";
        Receive<PullNext>(_ => Gather());
        Receive<DataAvailable>(d => { if (d.Open) Gather(); else Become(Closed); });
        Common();
    }

    private void WaitingForSpace()
    {
        _state = "waiting-for-space";
        Receive<SpaceAvailable>(s =>
        {
            if (!s.Open) { Become(Closed); return; }
            Become(Gathering);
            Offer(_pending!);
        });
        Common();
    }

    private void Closed()
    {
        _state = "closed";
        Common();
    }

    private void Gather()
    {
        var reader = _ctx.Channels.Patches.Reader;
        while (_gathered.Count < _ctx.Options.BatchSize && reader.TryRead(out var item)) _gathered.Add(item);
        if (_gathered.Count < _ctx.Options.BatchSize)
        {
            _state = "waiting-for-data";
            reader.WaitToReadAsync().AsTask()
                .PipeTo(Self, success: open => new DataAvailable(open), failure: _ => new DataAvailable(false));
            return;
        }
        long sequence = _sequence;
        var rng = new Random(SeedMixer.Mix(_ctx.Options.Seed, SeedMixer.Masks, sequence));
        var batch = _ctx.Batches.Assemble(_gathered.Select(p => p.Patch).ToArray(), rng);
        var item2 = new BatchItem(sequence, _gathered.Select(p => p.Ticket).ToArray(), batch);
        _gathered.Clear();
        _ctx.Metrics.BatchAssembled();
        Offer(item2);
    }

    private void Offer(BatchItem item)
    {
        var writer = _ctx.Channels.Batches.Writer;
        if (writer.TryWrite(item))
        {
            _pending = null;
            _sequence++;
            Self.Tell(new PullNext());
            return;
        }
        _pending = item;
        Become(WaitingForSpace);
        writer.WaitToWriteAsync().AsTask()
            .PipeTo(Self, success: open => new SpaceAvailable(open), failure: _ => new SpaceAvailable(false));
    }
}
