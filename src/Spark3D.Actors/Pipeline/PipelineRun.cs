using Akka.Actor;
using Spark3D.Training.Feed;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

/// <summary>A started run: its actor system, root actor, instruments and channels, and a task that completes with the
/// result once the actor system has shut down.</summary>
public sealed class PipelineRun
{
    internal PipelineRun(ActorSystem system, IActorRef supervisor, PipelineMetrics metrics, PipelineChannels channels,
        Task<PipelineResult> completion)
    {
        System = system;
        Supervisor = supervisor;
        Metrics = metrics;
        Channels = channels;
        Completion = completion;
    }

    /// <summary>The run's own actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The root actor, <c>/user/pretrain</c> (answers <see cref="GetPipelineStatus"/>).</summary>
    public IActorRef Supervisor { get; }

    /// <summary>The run's instruments; <see cref="PipelineMetrics.Snapshot"/> is cheap to poll for a console view.</summary>
    public PipelineMetrics Metrics { get; }

    /// <summary>The bounded hand-offs (for depth displays and tests).</summary>
    public PipelineChannels Channels { get; }

    /// <summary>Completes with the result after the actor system terminated; summary.json is written by then.</summary>
    public Task<PipelineResult> Completion { get; }

    /// <summary>Graceful stop: the trainer finishes its step and writes a checkpoint, then the system shuts down (exit 0).
    /// The same path runs on SIGTERM (CoordinatedShutdown's CLR hook) and on the runner's cancellation token.</summary>
    public Task<PipelineResult> StopAsync()
    {
        _ = Akka.Actor.CoordinatedShutdown.Get(System).Run(PipelineRunner.StopRequested.Instance);
        return Completion;
    }
}
