namespace Spark3D.Model.Training;

/// <summary>Outcome of <see cref="WeightTransfer.Load"/>, by state-dict name.</summary>
/// <param name="Loaded">Copied (same name and shape, or an adapted input-channel stem).</param>
/// <param name="Excluded">Present in both but rejected by the include filter.</param>
/// <param name="Mismatched">Included and present in both, but with different shapes: "name: source [..] vs target [..]".</param>
/// <param name="MissingInSource">Included target entries the source lacks.</param>
/// <param name="UnusedSource">Source entries with no target of that name.</param>
public sealed record WeightTransferReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Excluded,
    IReadOnlyList<string> Mismatched,
    IReadOnlyList<string> MissingInSource,
    IReadOnlyList<string> UnusedSource)
{
    /// <summary>Loaded entries whose single input channel was repeated across the target's C channels and divided by C
    /// (a single-channel pre-training stem into a multi-channel network): "name (1 → C channels)".</summary>
    public IReadOnlyList<string> AdaptedInputChannels { get; init; } = [];

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"loaded {Loaded.Count}, excluded {Excluded.Count}, shape-mismatched {Mismatched.Count}, missing in source {MissingInSource.Count}, unused source {UnusedSource.Count}" +
        (AdaptedInputChannels.Count > 0 ? $"; repeated across the input channels and divided by their number: {string.Join(", ", AdaptedInputChannels)}" : "") +
        (Mismatched.Count > 0 ? $" (mismatched: {string.Join("; ", Mismatched.Take(5))}{(Mismatched.Count > 5 ? "; …" : "")})" : "");
}
