using System.Collections.Concurrent;
using System.Globalization;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Actors.Tests.Pipeline.Support;

/// <summary>
/// A real, tiny "model": one scalar that reconstructs every masked voxel. Loss = mean squared error over the masked voxels,
/// plain SGD on it, so the loss falls as the scalar approaches the data mean. Checkpoints are real files
/// (checkpoints/step-NNNNNN.ckpt, temp + rename, plus a "latest" pointer) holding step, weight and the data cursor.
/// Failures are injected through <see cref="MeanFitEngineFactory"/>'s plan.
/// </summary>
internal sealed class MeanFitEngine(MeanFitEngineFactory factory) : ITrainerEngine
{
    private double _mean;

    public long Step { get; private set; }

    public StepOutcome Train(TrainingBatch batch)
    {
        long next = Step + 1;
        string? fault = factory.TakeFault(next);
        if (fault == "throw") throw new InvalidOperationException($"injected failure at step {next}");
        if (factory.StepDelay > TimeSpan.Zero) Thread.Sleep(factory.StepDelay);
        if (factory.PauseAtStep == next)
        {
            factory.Paused.Set();
            factory.Release.Wait(TimeSpan.FromSeconds(30));
        }

        var mask = batch.Mask!;
        var g = mask.Grid;
        int cells = mask.CellsPerPatch;
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int b = 0; b < batch.Count; b++)
        {
            var p = batch.Patches[b];
            var s = p.Shape;
            int bx = s.X / g.X, by = s.Y / g.Y, bz = s.Z / g.Z;
            for (int z = 0; z < s.Z; z++)
                for (int y = 0; y < s.Y; y++)
                    for (int x = 0; x < s.X; x++)
                    {
                        if (!mask.Cells[b * cells + g.Index(x / bx, y / by, z / bz)]) continue;
                        double e = p.Voxels[s.Index(x, y, z)] - _mean;
                        sum += e;
                        sumSq += e * e;
                        n++;
                    }
        }
        double loss = fault == "nan" ? double.NaN : sumSq / Math.Max(n, 1);
        _mean += factory.LearningRate * 2 * sum / Math.Max(n, 1); // -lr * dLoss/dmean
        Step = next;
        return new StepOutcome(loss, factory.LearningRate);
    }

    public void SaveCheckpoint(PipelineCursor cursor)
    {
        Directory.CreateDirectory(factory.CheckpointDirectory);
        string name = $"step-{Step:D6}.ckpt";
        string path = Path.Combine(factory.CheckpointDirectory, name);
        File.WriteAllLines(path + ".tmp", [Step.ToString(CultureInfo.InvariantCulture), _mean.ToString("R", CultureInfo.InvariantCulture), cursor.ToJson()]);
        File.Move(path + ".tmp", path, overwrite: true);
        string latest = Path.Combine(factory.CheckpointDirectory, "latest");
        File.WriteAllText(latest + ".tmp", name);
        File.Move(latest + ".tmp", latest, overwrite: true);
        factory.Saved.Enqueue(Step);
    }

    public PipelineCursor? RestoreLatest()
    {
        string latest = Path.Combine(factory.CheckpointDirectory, "latest");
        if (!File.Exists(latest)) { factory.Restored.Enqueue(null); return null; }
        var lines = File.ReadAllLines(Path.Combine(factory.CheckpointDirectory, File.ReadAllText(latest).Trim()));
        Step = long.Parse(lines[0], CultureInfo.InvariantCulture);
        _mean = double.Parse(lines[1], CultureInfo.InvariantCulture);
        factory.Restored.Enqueue(Step);
        return PipelineCursor.FromJson(lines[2]);
    }

    public void Dispose() { }
}

/// <summary>Creates <see cref="MeanFitEngine"/>s and holds what the tests inject and observe.</summary>
internal sealed class MeanFitEngineFactory(string runDirectory) : ITrainerEngineFactory
{
    private readonly ConcurrentDictionary<long, string> _onceFaults = new();

    public string CheckpointDirectory { get; } = Path.Combine(runDirectory, "checkpoints");
    public double LearningRate { get; init; } = 0.2;
    public TimeSpan StepDelay { get; init; }
    /// <summary>Step at which every attempt throws (for the too-many-failures test).</summary>
    public long? AlwaysThrowAt { get; init; }
    /// <summary>Step whose Train blocks (after signalling <see cref="Paused"/>) until <see cref="Release"/> is set.</summary>
    public long? PauseAtStep { get; init; }
    public ManualResetEventSlim Paused { get; } = new();
    public ManualResetEventSlim Release { get; } = new();
    /// <summary>Step restored by each engine created (null = no checkpoint).</summary>
    public ConcurrentQueue<long?> Restored { get; } = new();
    public ConcurrentQueue<long> Saved { get; } = new();

    /// <summary>Makes step <paramref name="step"/> fail once: "throw" or "nan".</summary>
    public void FailOnce(long step, string kind) => _onceFaults[step] = kind;

    public string? TakeFault(long step)
    {
        if (AlwaysThrowAt == step) return "throw";
        return _onceFaults.TryRemove(step, out var kind) ? kind : null;
    }

    public ITrainerEngine Create() => new MeanFitEngine(this);
}
