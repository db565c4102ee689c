using Akka.Actor;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// Walks the catalog in a seeded per-epoch permutation and writes <see cref="VolumeTicket"/>s into the volume channel,
/// forever (the trainer decides when the run ends). Holds only references, never voxels. Started with the cursor the
/// trainer restored: it begins at the cursor's watermark and skips the slots the cursor lists as already consumed.
/// When the channel is full it waits via <c>WaitToWriteAsync().PipeTo(Self)</c>, so it keeps answering messages. Tickets
/// are numbered in issue order; when the pipeline keeps that order (<see cref="PipelineChannels.OrderWindow"/>), each
/// ticket first takes a place of the window, which the masker gives back when it takes the ticket's patch in order.
/// </summary>
public sealed class DatasetLoader : ReceiveActor
{
    private sealed record Pump;
    private sealed record SpaceAvailable(bool Open);
    private sealed record PlaceAvailable(bool Open);

    private const int ItemsPerTurn = 64;
    private readonly PipelineContext _ctx;
    private readonly IReadOnlyList<VolumeRef> _volumes;
    private HashSet<VolumeSlot> _skip = [];
    private int[] _order = [];
    private int _epoch, _position;
    private VolumeTicket? _pending;
    private bool _holdsPlace;
    private long _issued, _emitted;
    private string _state = "idle";

    /// <summary>Creates the loader for the run described by <paramref name="ctx"/>.</summary>
    public DatasetLoader(PipelineContext ctx)
    {
        _ctx = ctx;
        _volumes = ctx.Volumes;
        Receive<StartLoading>(OnStart);
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("loader", _state, _emitted)));
    }

    /// <summary>Props for the loader.</summary>
    public static Props Props(PipelineContext ctx) => Akka.Actor.Props.Create(() => new DatasetLoader(ctx));

    private void OnStart(StartLoading start)
    {
        _epoch = start.Cursor.Epoch;
        _position = start.Cursor.Position;
        _skip = [.. start.Cursor.ConsumedAhead];
        _order = EpochPermutation.For(_ctx.Options.Seed, _epoch, _volumes.Count);
        Become(Running);
        Self.Tell(new Pump());
    }

    private void Running()
    {
        _state = "running";
        Receive<Pump>(_ => Emit());
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("loader", _state, _emitted)));
    }

    private void WaitingForSpace()
    {
        _state = "waiting-for-space";
        Receive<SpaceAvailable>(s =>
        {
            if (!s.Open) { Become(Closed); return; }
            Become(Running);
            Emit();
        });
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("loader", _state, _emitted)));
    }

    private void WaitingForWindow()
    {
        _state = "waiting-for-window";
        Receive<PlaceAvailable>(p =>
        {
            if (!p.Open) { Become(Closed); return; }
            _holdsPlace = true;
            Become(Running);
            Emit();
        });
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("loader", _state, _emitted)));
    }

    private void Closed()
    {
        _state = "closed";
        Receive<GetStageStatus>(_ => Sender.Tell(new StageStatus("loader", _state, _emitted)));
    }

    private void Emit()
    {
        var writer = _ctx.Channels.Volumes.Writer;
        var window = _ctx.Channels.OrderWindow;
        for (int i = 0; i < ItemsPerTurn; i++)
        {
            var ticket = _pending ?? NextTicket();
            _pending = ticket;
            if (window is not null && !_holdsPlace)
            {
                if (!window.Wait(0))
                {
                    Become(WaitingForWindow);
                    window.WaitAsync(_ctx.Channels.Closing).PipeTo(Self, success: () => new PlaceAvailable(true),
                        failure: _ => new PlaceAvailable(false));
                    return;
                }
                _holdsPlace = true;
            }
            if (!writer.TryWrite(ticket))
            {
                Become(WaitingForSpace);
                writer.WaitToWriteAsync().AsTask().PipeTo(Self, success: open => new SpaceAvailable(open),
                    failure: _ => new SpaceAvailable(false));
                return;
            }
            _pending = null;
            _holdsPlace = false;
            _emitted++;
            _ctx.Metrics.VolumeEmitted();
        }
        Self.Tell(new Pump()); // yield the thread between bursts so control messages get in
    }

    private VolumeTicket NextTicket()
    {
        while (true)
        {
            if (_position == _order.Length)
            {
                _epoch++;
                _position = 0;
                _order = EpochPermutation.For(_ctx.Options.Seed, _epoch, _volumes.Count);
                _skip.RemoveWhere(s => s.Epoch < _epoch);
            }
            var slot = new VolumeSlot(_epoch, _position);
            int index = _order[_position++];
            if (_skip.Remove(slot)) continue; // consumed before the resume
            return new VolumeTicket(slot, _volumes[index], _issued++);
        }
    }
}
