using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// The pipeline's instruments on the <c>Spark3D.Pipeline</c> meter (exporters such as prometheus-net or OpenTelemetry
/// subscribe by that name), plus the running totals behind <see cref="Snapshot"/>. One instance per run; thread-safe.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    /// <summary>The meter name exporters listen to.</summary>
    public const string MeterName = "Spark3D.Pipeline";

    private readonly Counter<long> _volumes, _patches, _batches, _steps, _restarts, _failures, _quarantined;
    private readonly Histogram<double> _dataWait, _stepTime;
    private readonly ConcurrentDictionary<string, Func<int?>> _mailboxes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _stepGate = new();
    private readonly long _totalSteps;
    private PipelineChannels? _channels;
    private Func<PipelineCursor?>? _cursor;
    private long _volumesTotal, _patchesTotal, _batchesTotal, _restartsTotal, _failuresTotal, _quarantinedTotal;
    private long _step, _stepsThisRun;
    private double? _lossFirst, _lossLast, _lr;
    private double _waitSeconds, _stepSeconds;

    /// <summary>Creates the meter and its instruments for a run of <paramref name="totalSteps"/> steps.</summary>
    public PipelineMetrics(long totalSteps)
    {
        _totalSteps = totalSteps;
        Meter = new Meter(MeterName, "1.0");
        _volumes = Meter.CreateCounter<long>("spark3d.pipeline.volumes", "{volume}", "Volume references emitted by the loader.");
        _patches = Meter.CreateCounter<long>("spark3d.pipeline.patches", "{patch}", "Patches produced (rate = patches/s).");
        _batches = Meter.CreateCounter<long>("spark3d.pipeline.batches", "{batch}", "Batches assembled (rate = batches/s).");
        _steps = Meter.CreateCounter<long>("spark3d.pipeline.steps", "{step}", "Optimiser steps done.");
        _restarts = Meter.CreateCounter<long>("spark3d.pipeline.actor.restarts", "{restart}", "Actor restarts after a failure.");
        _failures = Meter.CreateCounter<long>("spark3d.pipeline.trainer.failures", "{failure}", "Trainer failures (exceptions, non-finite loss).");
        _quarantined = Meter.CreateCounter<long>("spark3d.pipeline.quarantined", "{file}", "Volumes quarantined as unreadable.");
        _dataWait = Meter.CreateHistogram<double>("spark3d.pipeline.trainer.data_wait", "s", "Time a step waited for its batch.");
        _stepTime = Meter.CreateHistogram<double>("spark3d.pipeline.trainer.step_time", "s", "Compute time of one optimiser step.");
        Meter.CreateObservableGauge("spark3d.pipeline.channel.depth", ObserveDepths, "{item}", "Items waiting in each bounded channel.");
        Meter.CreateObservableGauge("spark3d.pipeline.loss", () => Read(ref _lossLast) ?? double.NaN, null, "Loss of the latest step.");
        Meter.CreateObservableGauge("spark3d.pipeline.learning_rate", () => Read(ref _lr) ?? double.NaN, null, "Learning rate of the latest step.");
        Meter.CreateObservableGauge("spark3d.pipeline.step", () => Interlocked.Read(ref _step), "{step}", "Current optimiser step.");
        Meter.CreateObservableGauge("spark3d.pipeline.actor.mailbox.depth", ObserveMailboxes, "{message}", "Messages queued in pipeline actors' mailboxes.");
    }

    /// <summary>The underlying meter (one per run; listeners can filter on this instance).</summary>
    public Meter Meter { get; }

    /// <summary>Connects the channel-depth gauges.</summary>
    public void Attach(PipelineChannels channels) => _channels = channels;

    /// <summary>Connects the epoch/position fields of <see cref="Snapshot"/>.</summary>
    public void Attach(Func<PipelineCursor?> cursor) => _cursor = cursor;

    /// <summary>Adds an actor whose mailbox depth is observed: <paramref name="depth"/> returns the messages queued, or
    /// null when it cannot tell (an actor that is not local); the actors supply it, this type knows no Akka.</summary>
    public void WatchMailbox(string name, Func<int?> depth) => _mailboxes[name] = depth;

    /// <summary>Counts one emitted volume reference.</summary>
    public void VolumeEmitted() { Interlocked.Increment(ref _volumesTotal); _volumes.Add(1); }

    /// <summary>Counts one produced patch.</summary>
    public void PatchProduced() { Interlocked.Increment(ref _patchesTotal); _patches.Add(1); }

    /// <summary>Counts one assembled batch.</summary>
    public void BatchAssembled() { Interlocked.Increment(ref _batchesTotal); _batches.Add(1); }

    /// <summary>Counts one actor restart.</summary>
    public void ActorRestarted(string actor)
    {
        Interlocked.Increment(ref _restartsTotal);
        _restarts.Add(1, new KeyValuePair<string, object?>("actor", actor));
    }

    /// <summary>Counts one trainer failure.</summary>
    public void TrainerFailed() { Interlocked.Increment(ref _failuresTotal); _failures.Add(1); }

    /// <summary>Counts one quarantined volume.</summary>
    public void VolumeQuarantined() { Interlocked.Increment(ref _quarantinedTotal); _quarantined.Add(1); }

    /// <summary>Notes the step the trainer restored to (so the snapshot shows it before the first new step).</summary>
    public void StepRestored(long step) => Interlocked.Exchange(ref _step, step);

    /// <summary>Records one finished step.</summary>
    public void StepDone(long step, StepOutcome outcome, double dataWaitSeconds, double stepSeconds)
    {
        lock (_stepGate)
        {
            _step = step;
            _stepsThisRun++;
            _lossFirst ??= outcome.Loss;
            _lossLast = outcome.Loss;
            _lr = outcome.LearningRate;
            _waitSeconds += dataWaitSeconds;
            _stepSeconds += stepSeconds;
        }
        _steps.Add(1);
        _dataWait.Record(dataWaitSeconds);
        _stepTime.Record(stepSeconds);
    }

    /// <summary>The current totals, rates, depths and losses.</summary>
    public PipelineStatus Snapshot()
    {
        double elapsed = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        var cursor = _cursor?.Invoke();
        lock (_stepGate)
        {
            double busy = _waitSeconds + _stepSeconds;
            double perStep = _stepsThisRun > 0 ? elapsed / _stepsThisRun : 0;
            return new PipelineStatus
            {
                Step = _step,
                TotalSteps = _totalSteps,
                StepsThisRun = _stepsThisRun,
                Epoch = cursor?.Epoch ?? 0,
                Position = cursor?.Position ?? 0,
                LossFirst = _lossFirst,
                LossLast = _lossLast,
                LearningRate = _lr,
                VolumesEmitted = Interlocked.Read(ref _volumesTotal),
                Patches = Interlocked.Read(ref _patchesTotal),
                Batches = Interlocked.Read(ref _batchesTotal),
                PatchesPerSecond = Interlocked.Read(ref _patchesTotal) / elapsed,
                BatchesPerSecond = Interlocked.Read(ref _batchesTotal) / elapsed,
                VolumeDepth = _channels?.Volumes.Reader.Count ?? 0,
                PatchDepth = _channels?.Patches.Reader.Count ?? 0,
                BatchDepth = _channels?.Batches.Reader.Count ?? 0,
                Quarantined = Interlocked.Read(ref _quarantinedTotal),
                Restarts = Interlocked.Read(ref _restartsTotal),
                Failures = Interlocked.Read(ref _failuresTotal),
                DataWaitFraction = busy > 0 ? _waitSeconds / busy : 0,
                MeanStepSeconds = _stepsThisRun > 0 ? _stepSeconds / _stepsThisRun : 0,
                Elapsed = _clock.Elapsed,
                Eta = _stepsThisRun > 0 ? TimeSpan.FromSeconds(perStep * Math.Max(0, _totalSteps - _step)) : null,
            };
        }
    }

    private double? Read(ref double? field)
    {
        lock (_stepGate) return field;
    }

    private IEnumerable<Measurement<int>> ObserveDepths()
    {
        if (_channels is not { } c) yield break;
        yield return new Measurement<int>(c.Volumes.Reader.Count, new KeyValuePair<string, object?>("channel", "volumes"));
        yield return new Measurement<int>(c.Patches.Reader.Count, new KeyValuePair<string, object?>("channel", "patches"));
        yield return new Measurement<int>(c.Batches.Reader.Count, new KeyValuePair<string, object?>("channel", "batches"));
    }

    private IEnumerable<Measurement<int>> ObserveMailboxes()
    {
        foreach (var (name, depth) in _mailboxes)
        {
            // Actors that cannot tell (not local) are skipped rather than guessed.
            if (depth() is { } messages)
                yield return new Measurement<int>(messages, new KeyValuePair<string, object?>("actor", name));
        }
    }

    /// <summary>Disposes the meter (instruments stop reporting).</summary>
    public void Dispose() => Meter.Dispose();
}
