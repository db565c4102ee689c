using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>Allocating conveniences over <see cref="IVolumeCropSource"/>.</summary>
public static class CropSourceExtensions
{
    /// <summary>Reads a crop into a new <see cref="Patch"/> (zero-padded outside the volume).</summary>
    public static Patch ReadPatch(this IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 size)
    {
        ArgumentNullException.ThrowIfNull(source);
        var voxels = new float[checked((int)size.Count)];
        source.ReadCrop(origin.X, origin.Y, origin.Z, size, voxels);
        return new Patch(voxels, size) { Origin = origin };
    }

    /// <summary>Crops an in-memory volume (zero-padded outside it).</summary>
    public static Patch Crop(this Volume volume, (int X, int Y, int Z) origin, Shape3 size) =>
        new VolumeCropSource(volume).ReadPatch(origin, size);
}
