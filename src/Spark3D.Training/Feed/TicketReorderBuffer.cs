namespace Spark3D.Training.Feed;

/// <summary>
/// Puts the preprocessors' output back into the loader's ticket order. Several preprocessors finish out of order, so
/// without this the batches (and so the losses and weights) depend on thread timing; with it they depend on the seed
/// only. Items come in with their ticket's <see cref="VolumeTicket.Sequence"/> (dense from 0) and leave in that order,
/// quarantine marks included. Each item taken frees one place of the loader's window (<see cref="PipelineChannels.OrderWindow"/>),
/// which bounds how far the other preprocessors can run ahead of a slow volume, and so what this buffer holds.
/// </summary>
public sealed class TicketReorderBuffer(SemaphoreSlim? window)
{
    private readonly Dictionary<long, PatchItem> _waiting = [];

    /// <summary>The sequence number handed out next.</summary>
    public long Next { get; private set; }

    /// <summary>Items held until the ones before them arrive.</summary>
    public int Count => _waiting.Count;

    /// <summary>Holds <paramref name="item"/> until its turn; a sequence number seen before is a bug upstream.</summary>
    public void Add(PatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        long sequence = item.Ticket.Sequence;
        if (sequence < Next || !_waiting.TryAdd(sequence, item))
            throw new InvalidOperationException($"ticket {sequence} arrived twice (next in order: {Next})");
    }

    /// <summary>The next item in ticket order, when it has arrived.</summary>
    public bool TryTakeNext(out PatchItem item)
    {
        if (!_waiting.Remove(Next, out item!)) return false;
        Next++;
        window?.Release();
        return true;
    }
}
