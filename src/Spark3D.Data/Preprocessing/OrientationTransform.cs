using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// A lossless axis permutation plus flips of a voxel grid (no interpolation), with the affine updated so every
/// voxel keeps its world coordinate. Output axis <c>a</c> walks input axis <see cref="SourceAxis"/>[a],
/// backwards when <see cref="Flip"/>[a] is set. <see cref="Invert"/> undoes <see cref="Apply"/> exactly.
/// </summary>
public sealed class OrientationTransform
{
    private readonly int[] _sourceAxis;
    private readonly bool[] _flip;

    /// <param name="sourceAxis">For each output axis, the input axis it reads (a permutation of 0, 1, 2).</param>
    /// <param name="flip">For each output axis, whether the input axis is walked backwards.</param>
    /// <param name="inputShape">Shape of the volumes this transform applies to.</param>
    public OrientationTransform(IReadOnlyList<int> sourceAxis, IReadOnlyList<bool> flip, Shape3 inputShape)
    {
        ArgumentNullException.ThrowIfNull(sourceAxis);
        ArgumentNullException.ThrowIfNull(flip);
        if (sourceAxis.Count != 3 || flip.Count != 3 || sourceAxis.Distinct().Count() != 3 || sourceAxis.Any(a => a is < 0 or > 2))
            throw new ArgumentException("An orientation transform needs a permutation of (0, 1, 2) and three flips.");
        _sourceAxis = sourceAxis.ToArray();
        _flip = flip.ToArray();
        InputShape = inputShape;
        OutputShape = new Shape3(inputShape[_sourceAxis[0]], inputShape[_sourceAxis[1]], inputShape[_sourceAxis[2]]);
    }

    /// <summary>For each output axis, the input axis it reads.</summary>
    public IReadOnlyList<int> SourceAxis => _sourceAxis;

    /// <summary>For each output axis, whether the input axis is reversed.</summary>
    public IReadOnlyList<bool> Flip => _flip;

    public Shape3 InputShape { get; }

    public Shape3 OutputShape { get; }

    /// <summary>True when the transform changes nothing.</summary>
    public bool IsIdentity => _sourceAxis[0] == 0 && _sourceAxis[1] == 1 && _sourceAxis[2] == 2 && !_flip.Any(f => f);

    /// <summary>The identity transform for a shape.</summary>
    public static OrientationTransform Identity(Shape3 shape) => new(new[] { 0, 1, 2 }, new[] { false, false, false }, shape);

    /// <summary>The transform that maps outputs of this one back to its inputs.</summary>
    public OrientationTransform Inverse()
    {
        var src = new int[3];
        var flip = new bool[3];
        for (int outAxis = 0; outAxis < 3; outAxis++)
        {
            src[_sourceAxis[outAxis]] = outAxis;
            flip[_sourceAxis[outAxis]] = _flip[outAxis];
        }
        return new OrientationTransform(src, flip, OutputShape);
    }

    /// <summary>
    /// Index map output voxel → input voxel as a 4×4 (input = M · output): world = A_in · M · output, so the new
    /// affine is A_in · M. Only 0/±1 entries and integer shifts, so the product is exact up to one rounding.
    /// </summary>
    public Affine OutputToInputIndex()
    {
        var m = new double[16];
        m[15] = 1;
        for (int outAxis = 0; outAxis < 3; outAxis++)
        {
            int inAxis = _sourceAxis[outAxis];
            m[inAxis * 4 + outAxis] = _flip[outAxis] ? -1 : 1;
            if (_flip[outAxis]) m[inAxis * 4 + 3] = InputShape[inAxis] - 1;
        }
        return new Affine(m);
    }

    /// <summary>Permutes/flips the voxels of <paramref name="v"/> (which must have <see cref="InputShape"/>).</summary>
    public Volume Apply(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Shape != InputShape)
            throw new ArgumentException($"Orientation transform expects shape {InputShape}, got {v.Shape}.", nameof(v));
        var spacing = OutputSpacing(v.Spacing);
        var affine = OutputAffine(v.Affine);
        if (IsIdentity) return new Volume((float[])v.Voxels.Clone(), v.Shape, spacing, affine);
        return new Volume(Gather(VoxelSource.Of(v.Voxels), new Shape3(0, 0, 0), OutputShape), OutputShape, spacing, affine);
    }

    /// <summary>Undoes <see cref="Apply"/>: takes a volume on the output grid back to the input grid.</summary>
    public Volume Invert(Volume v) => Inverse().Apply(v);

    /// <summary>The spacing of the output grid (the input spacing permuted).</summary>
    public Spacing3 OutputSpacing(Spacing3 input) => new(input[_sourceAxis[0]], input[_sourceAxis[1]], input[_sourceAxis[2]]);

    /// <summary>The affine of the output grid: <c>input · OutputToInputIndex()</c>.</summary>
    public Affine OutputAffine(Affine input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Multiply(OutputToInputIndex());
    }

    /// <summary>
    /// The output-grid box of a box on the input grid (e.g. the nonzero box found before reorienting: the nonzero set
    /// only moves with the voxels, so this equals the box found after reorienting). A full box stays full.
    /// </summary>
    public CropBox MapBox(CropBox inputBox)
    {
        ArgumentNullException.ThrowIfNull(inputBox);
        if (inputBox.OriginalShape != InputShape)
            throw new ArgumentException($"Box is for shape {inputBox.OriginalShape}, the transform for {InputShape}.", nameof(inputBox));
        Span<int> offset = stackalloc int[3];
        Span<int> size = stackalloc int[3];
        for (int a = 0; a < 3; a++)
        {
            int i = _sourceAxis[a];
            size[a] = inputBox.Size[i];
            offset[a] = _flip[a] ? InputShape[i] - inputBox.Offset[i] - inputBox.Size[i] : inputBox.Offset[i];
        }
        return new CropBox(new Shape3(offset[0], offset[1], offset[2]), new Shape3(size[0], size[1], size[2]), OutputShape);
    }

    /// <summary>Per output axis, the signed step in the input buffer, and the input index of output voxel (0, 0, 0).</summary>
    private (long Start, long X, long Y, long Z) Steps()
    {
        var inStride = new long[] { 1, InputShape.X, (long)InputShape.X * InputShape.Y };
        var step = new long[3];
        long start = 0;
        for (int a = 0; a < 3; a++)
        {
            int inAxis = _sourceAxis[a];
            step[a] = _flip[a] ? -inStride[inAxis] : inStride[inAxis];
            if (_flip[a]) start += (InputShape[inAxis] - 1) * inStride[inAxis];
        }
        return (start, step[0], step[1], step[2]);
    }

    /// <summary>
    /// The output-grid box (<paramref name="offset"/>, <paramref name="size"/>) as a view of the input voxels, without
    /// copying: possible when output x walks input x (forwards or backwards; y/z may be permuted or flipped); null when
    /// the reorientation moves the x axis.
    /// </summary>
    internal VoxelView? ViewOf(VoxelSource input, Shape3 offset, Shape3 size)
    {
        var (start, sx, sy, sz) = Steps();
        if (sx is not (1 or -1)) return null;
        return new VoxelView(input, start + offset.X * sx + offset.Y * sy + offset.Z * sz, sy, sz, size, (int)sx);
    }

    /// <summary>The box as a view of the input voxels when <see cref="ViewOf"/> can, else a gathered contiguous copy.</summary>
    internal VoxelView ViewOrCopy(VoxelSource input, Shape3 offset, Shape3 size) =>
        ViewOf(input, offset, size) ?? VoxelView.Of(Gather(input, offset, size), size);

    /// <summary>Copies the output-grid box (<paramref name="offset"/>, <paramref name="size"/>) out of the input voxels
    /// into a new contiguous float array (X fastest).</summary>
    internal float[] Gather(VoxelSource input, Shape3 offset, Shape3 size)
    {
        var (start, sx, sy, sz) = Steps();
        long origin = start + offset.X * sx + offset.Y * sy + offset.Z * sz;
        var output = VoxelArrays.Allocate(size.Count);
        Parallel.For(0, size.Z, z =>
        {
            for (int y = 0; y < size.Y; y++)
            {
                long src = origin + z * sz + y * sy;
                var dst = output.AsSpan((int)size.Index(0, y, z), size.X);
                if (sx is 1 or -1) input.Row(src, size.X, sx < 0, dst).CopyTo(dst);
                else input.Strided(src, sx, dst);
            }
        });
        return output;
    }

    public override string ToString() =>
        string.Join(",", Enumerable.Range(0, 3).Select(a => (_flip[a] ? "-" : "+") + "ijk"[_sourceAxis[a]]));
}
