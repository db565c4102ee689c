namespace Spark3D.Actors.Pipeline;

/// <summary>Asks any pipeline actor for its <see cref="StageStatus"/>; answered between work items, also while the
/// actor waits for channel space or data.</summary>
public sealed record GetStageStatus
{
    /// <summary>The shared instance.</summary>
    public static readonly GetStageStatus Instance = new();
}

/// <summary>One actor's state: its stage name, what it is doing (e.g. "running", "waiting-for-space") and items handled.</summary>
public sealed record StageStatus(string Stage, string State, long Handled);
