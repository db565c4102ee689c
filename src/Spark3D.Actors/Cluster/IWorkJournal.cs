namespace Spark3D.Actors.Cluster;

/// <summary>
/// Durable record of finished items, so a restarted coordinator skips them. Used only from the coordinator actor
/// (single-threaded). The host owns and disposes it.
/// </summary>
public interface IWorkJournal
{
    /// <summary>Every entry recorded so far (when an id appears twice, the last entry wins).</summary>
    IReadOnlyList<WorkJournalEntry> Load();

    /// <summary>Records one finished item durably before the coordinator counts it as finished.</summary>
    void Append(WorkJournalEntry entry);
}
