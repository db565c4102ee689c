namespace Spark3D.Actors.Cluster;

/// <summary>One finished item as recorded in the <see cref="IWorkJournal"/>: done (output, hash, stats) or failed (reason).</summary>
/// <param name="Id">Volume id.</param>
/// <param name="Succeeded">True for done, false for failed.</param>
/// <param name="OutputPath">Output path relative to the output directory (done only).</param>
/// <param name="ContentHash">Content hash of the output (done only).</param>
/// <param name="Stats">Small stats string (done only).</param>
/// <param name="Reason">Failure reason (failed only).</param>
/// <param name="Node">Address of the node that produced the result.</param>
/// <param name="FinishedUtc">When the coordinator accepted the result.</param>
public sealed record WorkJournalEntry(
    string Id,
    bool Succeeded,
    string? OutputPath,
    string? ContentHash,
    string? Stats,
    string? Reason,
    string Node,
    DateTime FinishedUtc);
