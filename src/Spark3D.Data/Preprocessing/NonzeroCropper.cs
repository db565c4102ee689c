using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Crops a volume to the bounding box of its nonzero voxels (NaN counts as nonzero). An all-zero volume is returned
/// unchanged (a copy) with the full box (<see cref="CropBox.IsFull"/>), so callers need no special case.
/// </summary>
public static class NonzeroCropper
{
    public static (Volume Cropped, CropBox Box) Crop(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var box = FindBox(v);
        return (box.Apply(v), box);
    }

    /// <summary>The nonzero bounding box alone (rows scanned with <see cref="VoxelKernels.NonzeroExtent"/>, slices in parallel).</summary>
    public static CropBox FindBox(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return FindBox(VoxelView.Of(v.Voxels, v.Shape));
    }

    /// <summary>The nonzero bounding box of a view's voxels (in the view's index space).</summary>
    internal static CropBox FindBox(VoxelView view) => FindBoxOrNull(view) ?? CropBox.Full(view.Shape);

    /// <summary>The nonzero bounding box of a view's voxels, or null when every voxel is zero.</summary>
    internal static CropBox? FindBoxOrNull(VoxelView view)
    {
        var s = view.Shape;
        var sync = new object();
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        Parallel.For(0, s.Z, z =>
        {
            int lx0 = int.MaxValue, lx1 = -1, ly0 = int.MaxValue, ly1 = -1;
            var scratch = view.NewScratch();
            for (int y = 0; y < s.Y; y++)
            {
                var (first, last) = VoxelKernels.NonzeroExtent(view.Row(y, z, scratch));
                if (first < 0) continue;
                lx0 = Math.Min(lx0, first);
                lx1 = Math.Max(lx1, last);
                ly0 = Math.Min(ly0, y);
                ly1 = y;
            }
            if (lx1 < 0) return;
            lock (sync)
            {
                x0 = Math.Min(x0, lx0); x1 = Math.Max(x1, lx1);
                y0 = Math.Min(y0, ly0); y1 = Math.Max(y1, ly1);
                z0 = Math.Min(z0, z); z1 = Math.Max(z1, z);
            }
        });
        if (x1 < 0) return null;
        return new CropBox(new Shape3(x0, y0, z0), new Shape3(x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1), s);
    }
}
