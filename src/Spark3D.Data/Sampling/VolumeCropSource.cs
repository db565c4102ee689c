using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>Crops from an in-memory <see cref="Volume"/>, zero-padding outside it (same semantics as the cache file).</summary>
public sealed class VolumeCropSource : IVolumeCropSource
{
    private readonly Volume _volume;

    public VolumeCropSource(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        _volume = volume;
    }

    public Shape3 Shape => _volume.Shape;

    public void ReadCrop(int x0, int y0, int z0, Shape3 size, Span<float> destination)
    {
        CropWindow.Validate(size, destination.Length);
        var w = CropWindow.Compute(_volume.Shape, x0, y0, z0, size);
        if (!w.FullyInside) destination[..checked((int)size.Count)].Clear();
        if (w.IsEmpty) return;
        var src = _volume.Voxels.AsSpan();
        var shape = _volume.Shape;
        int run = w.X1 - w.X0;
        for (int z = w.Z0; z < w.Z1; z++)
            for (int y = w.Y0; y < w.Y1; y++)
            {
                long s = shape.Index(w.X0, y, z);
                long d = (w.X0 - x0) + (long)size.X * ((y - y0) + (long)size.Y * (z - z0));
                src.Slice((int)s, run).CopyTo(destination.Slice((int)d, run));
            }
    }
}
