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
        var spacing = new Spacing3(v.Spacing[_sourceAxis[0]], v.Spacing[_sourceAxis[1]], v.Spacing[_sourceAxis[2]]);
        var affine = v.Affine.Multiply(OutputToInputIndex());
        if (IsIdentity) return new Volume((float[])v.Voxels.Clone(), v.Shape, spacing, affine);
        return new Volume(PermuteVoxels(v.Voxels), OutputShape, spacing, affine);
    }

    /// <summary>Undoes <see cref="Apply"/>: takes a volume on the output grid back to the input grid.</summary>
    public Volume Invert(Volume v) => Inverse().Apply(v);

    private float[] PermuteVoxels(float[] input)
    {
        var inStride = new long[] { 1, InputShape.X, (long)InputShape.X * InputShape.Y };
        // For each output axis: step in the input buffer per output step; flipped axes start at the far end.
        var step = new long[3];
        long start = 0;
        for (int a = 0; a < 3; a++)
        {
            int inAxis = _sourceAxis[a];
            step[a] = _flip[a] ? -inStride[inAxis] : inStride[inAxis];
            if (_flip[a]) start += (InputShape[inAxis] - 1) * inStride[inAxis];
        }
        var o = OutputShape;
        var output = new float[o.Count];
        long sx = step[0], sy = step[1], sz = step[2];
        Parallel.For(0, o.Z, z =>
        {
            for (int y = 0; y < o.Y; y++)
            {
                long src = start + z * sz + y * sy;
                long dst = o.Index(0, y, z);
                if (sx == 1)
                {
                    Array.Copy(input, src, output, dst, o.X);
                    continue;
                }
                for (int x = 0; x < o.X; x++, src += sx) output[dst + x] = input[src];
            }
        });
        return output;
    }

    public override string ToString() =>
        string.Join(",", Enumerable.Range(0, 3).Select(a => (_flip[a] ? "-" : "+") + "ijk"[_sourceAxis[a]]));
}
