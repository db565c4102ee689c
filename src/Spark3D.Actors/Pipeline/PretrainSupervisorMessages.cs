using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

// The protocol of PretrainSupervisor (its self-messages stay private inside it).

/// <summary>Asks for a graceful stop (final checkpoint); answered with <see cref="TrainerStopped"/> or, if the run
/// already ended, at once.</summary>
public sealed record RequestGracefulStop(string Reason);

/// <summary>Asks for the run's <see cref="PipelineStatus"/>.</summary>
public sealed record GetPipelineStatus
{
    /// <summary>The shared instance.</summary>
    public static readonly GetPipelineStatus Instance = new();
}
