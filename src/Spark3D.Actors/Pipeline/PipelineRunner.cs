using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Spark3D.Actors.Logging;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.RunFiles;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

/// <summary>
/// The entry point the host calls: builds the actor system with the pipeline's dispatchers, starts
/// <see cref="PretrainSupervisor"/> as <c>/user/pretrain</c>, hooks the final checkpoint into CoordinatedShutdown
/// (SIGTERM via the CLR hook, Ctrl-C/cancellation via the token) and returns the <see cref="PipelineResult"/>.
/// </summary>
public static class PipelineRunner
{
    /// <summary>The CoordinatedShutdown reason used for a requested (graceful) stop.</summary>
    public sealed class StopRequested : CoordinatedShutdown.Reason
    {
        /// <summary>The shared instance.</summary>
        public static readonly StopRequested Instance = new();
        private StopRequested() { }

        /// <inheritdoc />
        public override int ExitCode => 0;
    }

    /// <summary>Runs the pipeline to <see cref="PipelineOptions.TotalSteps"/> (resuming from the engine's latest checkpoint),
    /// or until <paramref name="cancellationToken"/> asks for a graceful stop; returns steps, losses, quarantine count,
    /// exit code and reason (also written to summary.json).</summary>
    public static async Task<PipelineResult> RunAsync(PipelineOptions options, IVolumeCatalog catalog, IPatchProducer producer,
        IBatchAssembler batches, ITrainerEngineFactory engines, CancellationToken cancellationToken = default)
    {
        var run = Start(options, catalog, producer, batches, engines);
        await using var registration = cancellationToken.Register(() => run.StopAsync());
        return await run.Completion.ConfigureAwait(false);
    }

    /// <summary>Starts a run and returns at once; await <see cref="PipelineRun.Completion"/>. <paramref name="akkaConfig"/>
    /// (optional) is layered over the pipeline's own Akka settings, e.g. the host's <c>akka</c> section; Akka's log goes
    /// to <paramref name="logs"/> when given (<see cref="LoggerFactorySetup"/>).</summary>
    public static PipelineRun Start(PipelineOptions options, IVolumeCatalog catalog, IPatchProducer producer,
        IBatchAssembler batches, ITrainerEngineFactory engines, Config? akkaConfig = null, ILoggerFactory? logs = null)
    {
        options.Validate();
        if (catalog.Volumes.Count == 0) throw new ArgumentException("The volume catalog is empty; nothing to train on.", nameof(catalog));
        Directory.CreateDirectory(options.RunDirectory);

        var metrics = new PipelineMetrics(options.TotalSteps);
        var channels = new PipelineChannels(options.VolumeChannelCapacity, options.PatchChannelCapacity, options.BatchChannelCapacity,
            options.InOrder ? options.OrderWindow : null);
        var ctx = new PipelineContext(options, catalog, producer, batches, engines, channels, metrics);
        var config = PipelineAkkaConfig.Build(options);
        if (akkaConfig is not null) config = akkaConfig.WithFallback(config);
        var system = ActorSystem.Create("spark3d-pretrain", LoggerFactorySetup.For(config, logs));

        var result = new TaskCompletionSource<PipelineResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var supervisor = system.ActorOf(PretrainSupervisor.Props(ctx, result), "pretrain");

        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "spark3d-final-checkpoint", async () =>
        {
            // Ctrl-C, SIGTERM or StopAsync: the trainer checkpoints between steps; a run that already ended answers at once.
            try
            {
                await supervisor.Ask<object>(new RequestGracefulStop("shutdown requested"),
                    options.FinalCheckpointTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                system.Log.Warning("Final checkpoint was not confirmed within {0}.", options.FinalCheckpointTimeout);
            }
            return Done.Instance;
        });

        var completion = FinishAsync(system, result.Task, metrics, options);
        return new PipelineRun(system, supervisor, metrics, channels, completion);
    }

    private static async Task<PipelineResult> FinishAsync(ActorSystem system, Task<PipelineResult> result, PipelineMetrics metrics,
        PipelineOptions options)
    {
        // The run ends either from inside (steps done / too many failures) or from a shutdown; wait for whichever comes first.
        var first = await Task.WhenAny(result, system.WhenTerminated).ConfigureAwait(false);
        if (first == result)
            await CoordinatedShutdown.Get(system).Run(StopRequested.Instance).ConfigureAwait(false);
        await system.WhenTerminated.ConfigureAwait(false);
        metrics.Dispose();
        if (result.IsCompleted) return await result.ConfigureAwait(false);
        // Terminated without the supervisor reporting (should not happen): say so rather than claim success.
        var s = metrics.Snapshot();
        var fallback = new PipelineResult(s.Step, s.StepsThisRun, s.LossFirst, s.LossLast, (int)s.Quarantined, s.Restarts, 4,
            "actor system terminated before the run reported a result", s.Elapsed, s.DataWaitFraction);
        RunSummaryWriter.Write(Path.Combine(options.RunDirectory, RunFileNames.Summary), fallback, options.CpuIsa);
        return fallback;
    }
}
