namespace Spark3D.Training.Feed;

/// <summary>
/// Thread-safe record of which slots are consumed (taken by the trainer, or quarantined), kept as a low watermark plus
/// the consumed slots beyond it. <see cref="Snapshot"/> is what goes into a checkpoint (see <see cref="PipelineCursor"/>).
/// </summary>
public sealed class ConsumptionTracker
{
    private readonly object _gate = new();
    private readonly long _seed;
    private readonly int _epochLength;
    private readonly HashSet<VolumeSlot> _ahead;
    private int _epoch;
    private int _position;

    /// <summary>Starts from <paramref name="cursor"/> for a catalog of <paramref name="epochLength"/> volumes.</summary>
    public ConsumptionTracker(PipelineCursor cursor, int epochLength)
    {
        if (epochLength <= 0) throw new ArgumentOutOfRangeException(nameof(epochLength), "The catalog is empty.");
        if (cursor.VolumeCount != epochLength)
            throw new ArgumentException($"Cursor is for {cursor.VolumeCount} volumes, the catalog has {epochLength}; use PipelineCursor.ForCatalog.", nameof(cursor));
        _seed = cursor.Seed;
        _epochLength = epochLength;
        _epoch = cursor.Epoch;
        _position = cursor.Position;
        _ahead = [.. cursor.ConsumedAhead];
        Advance();
    }

    /// <summary>Marks <paramref name="slot"/> consumed (idempotent).</summary>
    public void MarkConsumed(VolumeSlot slot)
    {
        lock (_gate)
        {
            if (IsBeforeWatermark(slot)) return;
            _ahead.Add(slot);
            Advance();
        }
    }

    /// <summary>The current cursor.</summary>
    public PipelineCursor Snapshot()
    {
        lock (_gate)
        {
            var ahead = _ahead.OrderBy(s => s.Epoch).ThenBy(s => s.Position).ToArray();
            return new PipelineCursor(_seed, _epochLength, _epoch, _position, ahead);
        }
    }

    private bool IsBeforeWatermark(VolumeSlot s) => s.Epoch < _epoch || (s.Epoch == _epoch && s.Position < _position);

    private void Advance()
    {
        // Moves the watermark over every contiguous consumed slot, wrapping into the next epoch.
        while (_ahead.Remove(new VolumeSlot(_epoch, _position)))
        {
            if (++_position == _epochLength)
            {
                _epoch++;
                _position = 0;
            }
        }
    }
}
