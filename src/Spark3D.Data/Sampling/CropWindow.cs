using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// The part of a requested crop box that lies inside the volume, as half-open ranges in volume coordinates.
/// Shared by every <see cref="IVolumeCropSource"/> so in-memory and cached crops pad identically.
/// </summary>
internal readonly record struct CropWindow(int X0, int Y0, int Z0, int X1, int Y1, int Z1, bool FullyInside)
{
    public bool IsEmpty => X0 >= X1 || Y0 >= Y1 || Z0 >= Z1;

    public static CropWindow Compute(Shape3 volume, int x0, int y0, int z0, Shape3 size)
    {
        long ex = (long)x0 + size.X, ey = (long)y0 + size.Y, ez = (long)z0 + size.Z;
        int cx0 = Math.Max(x0, 0), cy0 = Math.Max(y0, 0), cz0 = Math.Max(z0, 0);
        int cx1 = (int)Math.Min(ex, volume.X), cy1 = (int)Math.Min(ey, volume.Y), cz1 = (int)Math.Min(ez, volume.Z);
        bool inside = x0 >= 0 && y0 >= 0 && z0 >= 0 && ex <= volume.X && ey <= volume.Y && ez <= volume.Z;
        return new CropWindow(cx0, cy0, cz0, cx1, cy1, cz1, inside);
    }

    /// <summary>Throws unless the size is positive and the destination can hold it.</summary>
    public static void Validate(Shape3 size, int destinationLength)
    {
        if (size.X <= 0 || size.Y <= 0 || size.Z <= 0)
            throw new ArgumentException($"Crop size {size} must be positive on every axis.", nameof(size));
        if (destinationLength < size.Count)
            throw new ArgumentException($"Destination holds {destinationLength} voxels; crop {size} needs {size.Count}.", nameof(destinationLength));
    }
}
