using Spark3D.Training.Feed;

namespace Spark3D.Actors.Pipeline;

// The protocol of DatasetLoader (its self-messages stay private inside it).

/// <summary>Supervisor → loader: begin emitting tickets from <paramref name="Cursor"/> (the restored data position).</summary>
public sealed record StartLoading(PipelineCursor Cursor);
