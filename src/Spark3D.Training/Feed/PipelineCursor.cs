using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spark3D.Training.Feed;

/// <summary>A slot of the data stream: the <paramref name="Position"/>-th volume of epoch <paramref name="Epoch"/>'s permutation.</summary>
public sealed record VolumeSlot(int Epoch, int Position);

/// <summary>
/// Where the data stream stands, saved inside every checkpoint so a resumed run neither repeats nor skips volumes.
/// </summary>
/// <remarks>
/// A slot counts as <em>consumed</em> once the trainer has taken the batch holding its patch out of the batch channel
/// (or once the volume was quarantined). Several preprocessors finish out of order, so consumption is not a prefix:
/// <see cref="Epoch"/>/<see cref="Position"/> is the low watermark (every slot before it is consumed) and
/// <see cref="ConsumedAhead"/> lists the consumed slots after it. A resumed loader starts at the watermark and skips the
/// slots in <see cref="ConsumedAhead"/>; the permutation of each epoch is recomputed from <see cref="Seed"/>.
/// </remarks>
/// <param name="Seed">The run seed the permutations derive from.</param>
/// <param name="VolumeCount">Catalog size the permutations were drawn over (a different catalog invalidates positions).</param>
/// <param name="Epoch">Epoch of the watermark.</param>
/// <param name="Position">Index into that epoch's permutation of the first slot not yet consumed.</param>
/// <param name="ConsumedAhead">Consumed slots at or after the watermark, in (epoch, position) order.</param>
public sealed record PipelineCursor(long Seed, int VolumeCount, int Epoch, int Position, IReadOnlyList<VolumeSlot> ConsumedAhead)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The start of a fresh run.</summary>
    public static PipelineCursor Start(long seed, int volumeCount) => new(seed, volumeCount, 0, 0, []);

    /// <summary>The cursor to resume from over a catalog of <paramref name="volumeCount"/> volumes: this one when the
    /// catalog size is unchanged; otherwise the start of the next epoch (the interrupted epoch's positions index a
    /// permutation of another catalog, so it is abandoned rather than guessed).</summary>
    public PipelineCursor ForCatalog(int volumeCount) =>
        volumeCount == VolumeCount ? this : new PipelineCursor(Seed, volumeCount, Position == 0 && ConsumedAhead.Count == 0 ? Epoch : Epoch + 1, 0, []);

    /// <summary>True when <paramref name="slot"/> was consumed according to this cursor.</summary>
    public bool IsConsumed(VolumeSlot slot) =>
        slot.Epoch < Epoch || (slot.Epoch == Epoch && slot.Position < Position) || ConsumedAhead.Contains(slot);

    /// <summary>Serialises the cursor as one line of JSON (for embedding in a checkpoint).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses <see cref="ToJson"/>'s output; throws <see cref="FormatException"/> on bad input.</summary>
    public static PipelineCursor FromJson(string json)
    {
        try
        {
            var c = JsonSerializer.Deserialize<PipelineCursor>(json, Json) ?? throw new FormatException("Pipeline cursor JSON is null.");
            if (c.Epoch < 0 || c.Position < 0 || c.VolumeCount <= 0 || c.Position >= c.VolumeCount) throw new FormatException($"Pipeline cursor has a negative epoch/position: {json}");
            return c with { ConsumedAhead = c.ConsumedAhead ?? [] };
        }
        catch (JsonException e)
        {
            throw new FormatException($"Pipeline cursor is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Value equality including the slot list.</summary>
    public bool Equals(PipelineCursor? other) =>
        other is not null && Seed == other.Seed && VolumeCount == other.VolumeCount && Epoch == other.Epoch && Position == other.Position &&
        ConsumedAhead.SequenceEqual(other.ConsumedAhead);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Seed, VolumeCount, Epoch, Position, ConsumedAhead.Count);
}
