using Spark3D.Data.Volumes;

namespace Spark3D.Data.Phantoms;

/// <summary>A synthetic brain image and its label map on the same grid (labels: <see cref="PhantomLabels"/>).</summary>
public sealed record Phantom(string Id, Volume Image, Volume Labels, int LesionCount);
