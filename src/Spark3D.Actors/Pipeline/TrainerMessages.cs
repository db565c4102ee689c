using Spark3D.Training.Feed;

namespace Spark3D.Actors.Pipeline;

// The protocol of Trainer (its self-messages stay private inside it).

/// <summary>Trainer → supervisor: the engine restored <paramref name="Cursor"/> at <paramref name="Step"/> (null cursor:
/// a fresh start); <paramref name="FirstStart"/> is false for a restart after a failure.</summary>
public sealed record TrainerReady(long Step, PipelineCursor? Cursor, bool FirstStart);

/// <summary>Trainer → supervisor: the engine reached the target step (final checkpoint written).</summary>
public sealed record TrainingCompleted(long Step);

/// <summary>Asks the trainer to finish its current step, write a checkpoint and stop stepping (graceful shutdown).</summary>
public sealed record StopAndCheckpoint;

/// <summary>Reply to <see cref="StopAndCheckpoint"/>: the step of the final checkpoint.</summary>
public sealed record TrainerStopped(long Step);
