using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Feed;

/// <summary>A volume handed out by the loader, tagged with its slot so consumption can be tracked exactly, and with the
/// order the loader issued it in (0, 1, 2, … per pipeline), by which the masker restores that order.</summary>
public sealed record VolumeTicket(VolumeSlot Slot, VolumeRef Volume, long Sequence);

/// <summary>A produced patch and the ticket it came from; without a patch, the mark that the ticket's volume was
/// quarantined (so the masker's order moves past it).</summary>
public sealed record PatchItem(VolumeTicket Ticket, Patch? Patch)
{
    /// <summary>The mark for a quarantined ticket.</summary>
    public static PatchItem Skipped(VolumeTicket ticket) => new(ticket, null);

    /// <summary>True for the mark of a quarantined ticket.</summary>
    public bool IsSkipped => Patch is null;
}

/// <summary>An assembled batch and the tickets of its patches (in batch order).</summary>
public sealed record BatchItem(long Sequence, IReadOnlyList<VolumeTicket> Tickets, TrainingBatch Batch);
