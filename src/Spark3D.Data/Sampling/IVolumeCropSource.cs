using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// Anything a patch can be cropped from: an in-memory <see cref="Volume"/> or a cached chunked file.
/// Consumers (the patch preprocessors) do not care which.
/// </summary>
public interface IVolumeCropSource
{
    /// <summary>Grid size of the whole volume.</summary>
    Shape3 Shape { get; }

    /// <summary>
    /// Copies the box [x0, x0+size.X) × [y0, y0+size.Y) × [z0, z0+size.Z) into <paramref name="destination"/>
    /// (X fastest). The origin may be negative and the box may extend past the volume: voxels outside the volume
    /// are written as 0 (this is how patches larger than the volume are padded). Safe to call from many threads.
    /// </summary>
    void ReadCrop(int x0, int y0, int z0, Shape3 size, Span<float> destination);
}
