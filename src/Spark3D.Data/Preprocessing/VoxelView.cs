namespace Spark3D.Data.Preprocessing;

/// <summary>
/// A box of voxels inside a larger X-fastest grid, read row by row without copying the box: voxel (x, y, z) of the view
/// is voxel <c>Origin + x · XStep + y · RowStride + z · PlaneStride</c> of <see cref="Source"/>. XStep is +1 or −1 (−1: an
/// x-flipped reorientation reads each row backwards); row and plane strides may be negative (flipped or permuted y/z).
/// </summary>
internal readonly record struct VoxelView(VoxelSource Source, long Origin, long RowStride, long PlaneStride, Volumes.Shape3 Shape, int XStep = 1)
{
    /// <summary>A whole contiguous float volume.</summary>
    public static VoxelView Of(float[] data, Volumes.Shape3 shape) => Of(VoxelSource.Of(data), shape);

    /// <summary>A whole contiguous grid of <paramref name="shape"/>.</summary>
    public static VoxelView Of(VoxelSource source, Volumes.Shape3 shape) => new(source, 0, shape.X, (long)shape.X * shape.Y, shape);

    /// <summary>Index (in <see cref="Source"/>) of voxel (0, y, z).</summary>
    public long RowStart(int y, int z) => Origin + y * RowStride + z * PlaneStride;

    /// <summary>Row (y, z) as Shape.X floats: in place for a float source read forwards, else converted into
    /// <paramref name="scratch"/> (at least Shape.X long).</summary>
    public ReadOnlySpan<float> Row(int y, int z, Span<float> scratch) => Source.Row(RowStart(y, z), Shape.X, XStep < 0, scratch);

    /// <summary>A scratch row for <see cref="Row"/>.</summary>
    public float[] NewScratch() => new float[Shape.X];
}
