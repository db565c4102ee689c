using System.Threading.Channels;

namespace Spark3D.Training.Feed;

/// <summary>The three bounded hand-offs: loader → preprocessors → masker → trainer. Full channels make writers wait
/// (<see cref="BoundedChannelFullMode.Wait"/>), so backpressure runs from the trainer back to the loader and memory is
/// bounded by the capacities.</summary>
public sealed class PipelineChannels
{
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Creates the channels with these capacities (items each holds at most); with an
    /// <paramref name="orderWindow"/>, at most that many tickets are out between the loader and the masker's
    /// <see cref="TicketReorderBuffer"/> (<see cref="OrderWindow"/>).</summary>
    public PipelineChannels(int volumeCapacity, int patchCapacity, int batchCapacity, int? orderWindow = null)
    {
        if (orderWindow is { } w)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(w, 1, nameof(orderWindow));
            OrderWindow = new SemaphoreSlim(w, w);
            Order = new TicketReorderBuffer(OrderWindow);
        }
        Volumes = Channel.CreateBounded<VolumeTicket>(new BoundedChannelOptions(volumeCapacity)
        { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true, SingleReader = false });
        Patches = Channel.CreateBounded<PatchItem>(new BoundedChannelOptions(patchCapacity)
        { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = true });
        Batches = Channel.CreateBounded<BatchItem>(new BoundedChannelOptions(batchCapacity)
        { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true, SingleReader = true });
    }

    /// <summary>Volume references waiting for a preprocessor.</summary>
    public Channel<VolumeTicket> Volumes { get; }

    /// <summary>Patches waiting for the masker.</summary>
    public Channel<PatchItem> Patches { get; }

    /// <summary>Batches waiting for the trainer.</summary>
    public Channel<BatchItem> Batches { get; }

    /// <summary>
    /// Places for tickets issued but not yet taken in order by the masker: the loader takes one per ticket, the
    /// masker's <see cref="TicketReorderBuffer"/> gives it back. Null when the pipeline keeps arrival order.
    /// </summary>
    public SemaphoreSlim? OrderWindow { get; }

    /// <summary>
    /// The masker's reorder buffer (with <see cref="OrderWindow"/>, else null). It lives here rather than in the masker
    /// so that a masker restarted after a crash goes on from the same place in the order instead of waiting for ticket 0.
    /// Only the masker touches it.
    /// </summary>
    public TicketReorderBuffer? Order { get; }

    /// <summary>Cancelled by <see cref="CompleteAll"/>, so a wait for a place of the <see cref="OrderWindow"/> ends too.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Completes all writers so every waiting reader and writer wakes up (used at shutdown).</summary>
    public void CompleteAll()
    {
        _closing.Cancel();
        Volumes.Writer.TryComplete();
        Patches.Writer.TryComplete();
        Batches.Writer.TryComplete();
    }
}
