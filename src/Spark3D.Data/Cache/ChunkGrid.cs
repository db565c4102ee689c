using Spark3D.Data.Volumes;

namespace Spark3D.Data.Cache;

/// <summary>
/// Geometry of the chunk grid: chunk (cx, cy, cz) covers voxels [c·size, min((c+1)·size, shape)) per axis; edge chunks
/// are stored clipped (no padding). Chunks are numbered X fastest: id = cx + CX·(cy + CY·cz).
/// </summary>
internal readonly record struct ChunkGrid(Shape3 Shape, int ChunkSize)
{
    public Shape3 Chunks => new(Ceil(Shape.X), Ceil(Shape.Y), Ceil(Shape.Z));

    public int Count => checked((int)Chunks.Count);

    private int Ceil(int n) => (n + ChunkSize - 1) / ChunkSize;

    /// <summary>Voxel extent of chunk (cx, cy, cz).</summary>
    public Shape3 Extent(int cx, int cy, int cz) => new(
        Math.Min(ChunkSize, Shape.X - cx * ChunkSize),
        Math.Min(ChunkSize, Shape.Y - cy * ChunkSize),
        Math.Min(ChunkSize, Shape.Z - cz * ChunkSize));

    public int Id(int cx, int cy, int cz) => (int)Chunks.Index(cx, cy, cz);
}
