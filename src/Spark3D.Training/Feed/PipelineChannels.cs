using System.Threading.Channels;

namespace Spark3D.Training.Feed;

/// <summary>The three bounded hand-offs: loader → preprocessors → masker → trainer. Full channels make writers wait
/// (<see cref="BoundedChannelFullMode.Wait"/>), so backpressure runs from the trainer back to the loader and memory is
/// bounded by the capacities.</summary>
public sealed class PipelineChannels
{
    /// <summary>Creates the channels with these capacities (items each holds at most).</summary>
    public PipelineChannels(int volumeCapacity, int patchCapacity, int batchCapacity)
    {
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

    /// <summary>Completes all writers so every waiting reader and writer wakes up (used at shutdown).</summary>
    public void CompleteAll()
    {
        Volumes.Writer.TryComplete();
        Patches.Writer.TryComplete();
        Batches.Writer.TryComplete();
    }
}
