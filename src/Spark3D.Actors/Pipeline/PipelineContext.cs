using Spark3D.Training.Feed;
using Spark3D.Training.Ports;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

/// <summary>What every stage of one run shares: options, the injected data/model pieces, the channels, the telemetry and
/// the consumption tracker. One instance per run; passed to the actors' Props.</summary>
public sealed class PipelineContext
{
    private ConsumptionTracker? _tracker;
    private int _trainerStarts;

    /// <summary>Bundles the run's shared pieces.</summary>
    public PipelineContext(PipelineOptions options, IVolumeCatalog catalog, IPatchProducer producer, IBatchAssembler batches,
        ITrainerEngineFactory engines, PipelineChannels channels, PipelineMetrics metrics)
    {
        Options = options;
        Catalog = catalog;
        Producer = producer;
        Batches = batches;
        Engines = engines;
        Channels = channels;
        Metrics = metrics;
        Volumes = catalog.Volumes;
    }

    /// <summary>The run's options.</summary>
    public PipelineOptions Options { get; }
    /// <summary>The volume catalog.</summary>
    public IVolumeCatalog Catalog { get; }
    /// <summary>The catalog's volumes, read once (the order the permutations index).</summary>
    public IReadOnlyList<VolumeRef> Volumes { get; }
    /// <summary>Volume → patch.</summary>
    public IPatchProducer Producer { get; }
    /// <summary>Patches → batch (masked for pre-training).</summary>
    public IBatchAssembler Batches { get; }
    /// <summary>Creates the trainer's engine on the trainer thread.</summary>
    public ITrainerEngineFactory Engines { get; }
    /// <summary>The bounded hand-offs.</summary>
    public PipelineChannels Channels { get; }
    /// <summary>The run's instruments.</summary>
    public PipelineMetrics Metrics { get; }

    /// <summary>Set by the supervisor once the trainer has restored its cursor (before the loader starts).</summary>
    public ConsumptionTracker? Tracker
    {
        get => Volatile.Read(ref _tracker);
        set => Volatile.Write(ref _tracker, value);
    }

    /// <summary>Counts trainer incarnations; returns true for the very first one of this process.</summary>
    internal bool NoteTrainerStart() => Interlocked.Increment(ref _trainerStarts) == 1;

    /// <summary>Full path of a file in the run directory.</summary>
    public string RunFile(string name) => Path.Combine(Options.RunDirectory, name);
}
