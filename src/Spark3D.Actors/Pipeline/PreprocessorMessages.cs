using Spark3D.Training.Feed;

namespace Spark3D.Actors.Pipeline;

// The protocol of Preprocessor (its self-messages stay private inside it).

/// <summary>Preprocessor → pool → supervisor: a volume that could not be turned into a patch; the run goes on without it.</summary>
/// <param name="Ticket">The slot and volume that failed.</param>
/// <param name="File">The file that was read.</param>
/// <param name="Reason">Exception type and message, on one line.</param>
/// <param name="Attempts">Tries made (more than one only for transient IO errors).</param>
public sealed record VolumeQuarantined(VolumeTicket Ticket, string File, string Reason, int Attempts);
