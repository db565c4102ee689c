using System.Diagnostics;
using Akka.Actor;
using Spark3D.Data.Seeding;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Collects <see cref="PipelineOptions.BatchSize"/> patches from the patch channel, has the run's
/// <see cref="IBatchAssembler"/> assemble them (for pre-training it draws one mask ratio and the block masks; for
/// fine-tuning it only checks the labels), and writes the <see cref="BatchItem"/> (with the patches' tickets) into the
/// batch channel. Waits for data or space with <c>PipeTo(Self)</c>, never blocking its mailbox. When the pipeline keeps
/// the loader's order (<see cref="PipelineOptions.InOrder"/>), patches pass through the run's
/// <see cref="PipelineChannels.Order"/> first (it outlives a restart of this actor), so every batch holds the same
/// patches whatever the number of preprocessors; otherwise they are batched as they arrive. Quarantine marks are
/// dropped either way.
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

    /// <summary>Creates the masker; it starts pulling at once. Its first batch is number <paramref name="firstSequence"/>:
    /// the step the trainer restored, so a resumed run seeds each step's masks as a run that never stopped did.</summary>
    public Masker(PipelineContext ctx, long firstSequence = 0)
    {
        _ctx = ctx;
        _sequence = firstSequence;
        Become(Gathering);
    }

    /// <summary>Props for the masker.</summary>
    public static Props Props(PipelineContext ctx, long firstSequence = 0) => Akka.Actor.Props.Create(() => new Masker(ctx, firstSequence));

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
        var order = _ctx.Channels.Order;
        while (_gathered.Count < _ctx.Options.BatchSize)
        {
            PatchItem? next;
            if (order is null) next = reader.TryRead(out var item) ? item : null;
            else if (order.TryTakeNext(out var inOrder)) next = inOrder;
            else if (reader.TryRead(out var arrived)) { order.Add(arrived); continue; }
            else next = null;
            if (next is null) break;
            if (!next.IsSkipped) _gathered.Add(next);
        }
        if (_gathered.Count < _ctx.Options.BatchSize)
        {
            _state = "waiting-for-data";
            reader.WaitToReadAsync().AsTask()
                .PipeTo(Self, success: open => new DataAvailable(open), failure: _ => new DataAvailable(false));
            return;
        }
        long sequence = _sequence;
        var rng = new Random(SeedMixer.Mix(_ctx.Options.Seed, SeedMixer.Masks, sequence));
        long started = Stopwatch.GetTimestamp();
        var batch = _ctx.Batches.Assemble(_gathered.Select(p => p.Patch!).ToArray(), rng);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var item2 = new BatchItem(sequence, _gathered.Select(p => p.Ticket).ToArray(), batch);
        _gathered.Clear();
        _ctx.Metrics.BatchAssembled(seconds);
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
