using Spark3D.Model.Training;
using Spark3D.Training.Feed;

namespace Spark3D.Training.Ports;

/// <summary>The model side of the trainer: owns the network, optimiser and checkpoints. Created on the trainer's pinned
/// thread and only ever used from that thread (TorchSharp dispose scopes are per thread). May throw from any member; the
/// trainer actor is then restarted and a new engine restores the last good checkpoint.</summary>
public interface ITrainerEngine : IDisposable
{
    /// <summary>Number of optimiser steps done so far (restored from a checkpoint, then +1 per <see cref="Train"/>).</summary>
    long Step { get; }

    /// <summary>Runs one optimiser step on <paramref name="batch"/>; throws <see cref="NonFiniteLossException"/> on NaN/Inf loss.</summary>
    StepOutcome Train(TrainingBatch batch);

    /// <summary>Writes a checkpoint (atomically: temp file + rename) for the current step that includes
    /// <paramref name="cursor"/>, the data position of the last batch trained into the weights.</summary>
    void SaveCheckpoint(PipelineCursor cursor);

    /// <summary>Loads the newest readable checkpoint into the engine and returns its cursor; null when there is none
    /// (fresh start, <see cref="Step"/> stays 0).</summary>
    PipelineCursor? RestoreLatest();
}

/// <summary>Creates a trainer engine; called on the trainer's thread each time the trainer actor (re)starts.</summary>
public interface ITrainerEngineFactory
{
    /// <summary>Creates a fresh engine (no checkpoint loaded yet).</summary>
    ITrainerEngine Create();
}
