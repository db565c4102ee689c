using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Feed;

/// <summary>A volume handed out by the loader, tagged with its slot so consumption can be tracked exactly.</summary>
public sealed record VolumeTicket(VolumeSlot Slot, VolumeRef Volume);

/// <summary>A produced patch and the ticket it came from.</summary>
public sealed record PatchItem(VolumeTicket Ticket, Patch Patch);

/// <summary>An assembled batch and the tickets of its patches (in batch order).</summary>
public sealed record BatchItem(long Sequence, IReadOnlyList<VolumeTicket> Tickets, TrainingBatch Batch);
