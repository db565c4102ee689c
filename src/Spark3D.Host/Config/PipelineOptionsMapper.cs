using Spark3D.Actors.Pipeline;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps the <c>spark3d.pipeline</c> HOCON section onto <see cref="PipelineOptions"/> (the library reads no HOCON).</summary>
public static class PipelineOptionsMapper
{
    /// <summary>Options for a run in <paramref name="runDirectory"/> up to <paramref name="totalSteps"/> steps.</summary>
    public static PipelineOptions FromConfig(Akka.Configuration.Config config, string runDirectory, long totalSteps)
    {
        var p = Section(config, "spark3d.pipeline");
        var options = new PipelineOptions
        {
            RunDirectory = runDirectory,
            TotalSteps = totalSteps,
            Seed = p.GetLong("seed"),
            BatchSize = p.GetInt("batch-size"),
            PreprocessorCount = p.GetInt("preprocessors"),
            VolumeChannelCapacity = p.GetInt("channels.volumes"),
            PatchChannelCapacity = p.GetInt("channels.patches"),
            BatchChannelCapacity = p.GetInt("channels.batches"),
            InOrder = p.GetBoolean("in-order"),
            CheckpointEverySteps = p.GetInt("checkpoint-every"),
            MetricsEverySteps = p.GetInt("metrics-every"),
            TraceConsumedVolumes = p.GetBoolean("trace-consumed"),
            IoRetryMaxAttempts = p.GetInt("io-retry.max-attempts"),
            IoRetryBaseDelay = p.GetTimeSpan("io-retry.base-delay"),
            TrainerMinBackoff = p.GetTimeSpan("trainer-backoff.min"),
            TrainerMaxBackoff = p.GetTimeSpan("trainer-backoff.max"),
            TrainerBackoffRandomFactor = p.GetDouble("trainer-backoff.random-factor"),
            MaxFailuresInWindow = p.GetInt("failure-window.max-failures"),
            FailureWindow = p.GetTimeSpan("failure-window.window"),
            FinalCheckpointTimeout = p.GetTimeSpan("final-checkpoint-timeout"),
        };
        options.Validate();
        return options;
    }
}
