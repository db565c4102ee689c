using Akka.Configuration;

namespace Spark3D.Actors.Pipeline;

/// <summary>The Akka settings the pipeline needs, built from <see cref="PipelineOptions"/> (the library reads no HOCON files):
/// a dedicated thread pool for the preprocessors, a pinned thread for the trainer, and a long enough coordinated-shutdown
/// phase for the final checkpoint.</summary>
public static class PipelineAkkaConfig
{
    /// <summary>Dispatcher of the preprocessor actors: a ForkJoin dispatcher with its own threads, so CPU-heavy patch
    /// production never starves the default dispatcher.</summary>
    public const string PreprocessDispatcherId = "spark3d-pipeline-preprocess-dispatcher";

    /// <summary>Dispatcher of the trainer: one dedicated thread (TorchSharp dispose scopes are thread-static).</summary>
    public const string TrainerDispatcherId = "spark3d-pipeline-trainer-dispatcher";

    /// <summary>The HOCON for <paramref name="options"/>; use it as the actor system's config (with your own as fallback).</summary>
    public static Config Build(PipelineOptions options)
    {
        int checkpointSeconds = (int)Math.Ceiling(options.FinalCheckpointTimeout.TotalSeconds) + 5;
        string hocon = $$"""
            {{PreprocessDispatcherId}} {
              type = ForkJoinDispatcher
              # one item per turn, so status queries interleave with patch production
              throughput = 1
              dedicated-thread-pool {
                thread-count = {{options.PreprocessorCount}}
                threadtype = background
              }
            }
            {{TrainerDispatcherId}} {
              type = PinnedDispatcher
              throughput = 1
            }
            akka {
              loglevel = INFO
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              coordinated-shutdown {
                # the final checkpoint runs in this phase; it must not be cut off by the default 5 s
                phases.before-service-unbind.timeout = {{checkpointSeconds}}s
                run-by-clr-shutdown-hook = on
                exit-clr = off
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon);
    }
}
