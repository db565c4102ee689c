using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>
/// Draws and applies the mild spatial augmentation (see <see cref="AugmentationOptions"/>) while a patch is cut from a
/// volume. Rotation and scale are applied about the patch centre: the part inside the volume of a crop large enough to
/// hold the rotated/scaled patch box is read, with a one-voxel border (zero outside the volume, as batchgenerators'
/// constant-0 border), and resampled into the patch with trilinear interpolation (the reference uses cubic; trilinear
/// keeps the CPU cost of the 36 % of samples that need it low and adds no overshoot): with a rotation, 8 voxels at a
/// time in AVX2; with a scale alone, in three 1-D passes (<see cref="AxisAlignedSampler"/>). Costs and limits:
/// docs/augmentation.md. Without rotation/scale the patch is a plain crop. Mirroring is exact and costs no extra pass over the patch:
/// the samplers write each voxel (the three-pass one, each x-pass row) to its mirrored place, a plain crop is copied mirrored.
/// Pure and thread-safe; all randomness comes from the caller's <see cref="Random"/>.
/// </summary>
public sealed class SpatialAugmenter
{
    /// <summary>Creates an augmenter; throws <see cref="ArgumentException"/> on bad options.</summary>
    public SpatialAugmenter(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>Draws one transform: 3 mirror draws, a rotation draw (+3 angles), a scale draw (+1 factor).
    /// Draws nothing when augmentation is disabled.</summary>
    public SpatialTransformParams Draw(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var o = Options;
        if (!o.Enabled) return SpatialTransformParams.Identity;
        bool mx = rng.NextDouble() < o.MirrorProbability, my = rng.NextDouble() < o.MirrorProbability, mz = rng.NextDouble() < o.MirrorProbability;
        double ax = 0, ay = 0, az = 0, scale = 1;
        if (rng.NextDouble() < o.RotationProbability)
        {
            double max = o.MaxRotationDegrees * Math.PI / 180;
            ax = (rng.NextDouble() * 2 - 1) * max;
            ay = (rng.NextDouble() * 2 - 1) * max;
            az = (rng.NextDouble() * 2 - 1) * max;
        }
        if (rng.NextDouble() < o.ScaleProbability) scale = o.ScaleMin + rng.NextDouble() * (o.ScaleMax - o.ScaleMin);
        return new SpatialTransformParams(mx, my, mz, ax, ay, az, scale);
    }

    /// <summary>Draws a transform and cuts the augmented patch whose un-augmented box starts at <paramref name="origin"/>.</summary>
    public float[] Extract(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, Random rng) =>
        Extract(source, origin, patchSize, Draw(rng));

    /// <summary>Cuts the patch of size <paramref name="patchSize"/> whose un-augmented box starts at <paramref name="origin"/>,
    /// rotated/scaled about the box centre and mirrored as <paramref name="transform"/> says. X fastest.</summary>
    public static float[] Extract(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, SpatialTransformParams transform) =>
        Extract(source, origin, patchSize, transform, nearest: false);

    /// <summary>As <see cref="Extract(IVolumeCropSource, ValueTuple{int, int, int}, Shape3, SpatialTransformParams)"/>; with
    /// <paramref name="nearest"/> the resampling takes the nearest voxel (label maps: no new values appear). The nearest
    /// path is the plain scalar one: fine-tuning patches are few, and its grid is the trilinear path's (same centre).</summary>
    public static float[] Extract(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, SpatialTransformParams transform, bool nearest)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transform);
        if (nearest && transform.NeedsResampling) return ExtractNearest(source, origin, patchSize, transform);
        // Every path below writes every voxel (the crop read zero-fills outside the volume), so an uninitialised array
        // will do: from the patch pool, which the trainer refills (a 160³ patch is 16 MB; fresh ones cost their page faults).
        var patch = PatchArrayPool.Shared.Rent(checked((int)patchSize.Count));
        var mirror = (transform.MirrorX, transform.MirrorY, transform.MirrorZ);
        if (!transform.NeedsResampling)
        {
            if (mirror == (false, false, false))
            {
                source.ReadCrop(origin.X, origin.Y, origin.Z, patchSize, patch);
                return patch;
            }
            // Read into scratch and copy mirrored: one pass instead of an in-place swap of every row pair.
            int n = patch.Length;
            var crop = ArrayPool<float>.Shared.Rent(n);
            try
            {
                source.ReadCrop(origin.X, origin.Y, origin.Z, patchSize, crop.AsSpan(0, n));
                PatchMirror.CopyMirrored(crop.AsSpan(0, n), patch, patchSize, mirror.MirrorX, mirror.MirrorY, mirror.MirrorZ);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(crop);
            }
            return patch;
        }

        var m = transform.SourceMatrix();
        var margin = MarginFor(m, patchSize);
        var cropSize = new Shape3(patchSize.X + 2 * margin.X, patchSize.Y + 2 * margin.Y, patchSize.Z + 2 * margin.Z);
        int cx0 = origin.X - margin.X, cy0 = origin.Y - margin.Y, cz0 = origin.Z - margin.Z;
        // Only the part of the crop inside the volume is read (a rotated and scaled patch near the edge can ask for a box
        // several times the volume; the rest is zero anyway), plus a one-voxel border: zeros where it lies outside the
        // volume, so every sample either has its 8 neighbours in the buffer or is zero.
        var vs = source.Shape;
        int ax = Math.Max(cx0, 0), ay = Math.Max(cy0, 0), az = Math.Max(cz0, 0);
        int bx = (int)Math.Min((long)cx0 + cropSize.X, vs.X), by = (int)Math.Min((long)cy0 + cropSize.Y, vs.Y), bz = (int)Math.Min((long)cz0 + cropSize.Z, vs.Z);
        if (ax >= bx || ay >= by || az >= bz)
        {
            Array.Clear(patch); // the whole transformed patch lies outside the volume: zeros
            return patch;
        }
        var held = new Shape3(bx - ax + 2, by - ay + 2, bz - az + 2);
        int count = checked((int)held.Count);
        var buffer = VoxelArrays.Rent<float>(count);
        try
        {
            source.ReadCrop(ax - 1, ay - 1, az - 1, held, buffer.AsSpan(0, count));
            // Positions stay in crop-box coordinates (bit-identical to sampling the whole zero-padded crop); the buffer
            // starts at (ax − 1, ay − 1, az − 1) of the volume, i.e. at this corner of the crop box.
            var corner = (ax - 1 - cx0, ay - 1 - cy0, az - 1 - cz0);
            var centre = ((cropSize.X - 1) / 2.0, (cropSize.Y - 1) / 2.0, (cropSize.Z - 1) / 2.0);
            Sample(buffer.AsSpan(0, count), held, corner, centre, m, patch, patchSize, mirror);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
        return patch;
    }

    private static float[] ExtractNearest(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, SpatialTransformParams transform)
    {
        var m = transform.SourceMatrix();
        var margin = MarginFor(m, patchSize);
        var cropSize = new Shape3(patchSize.X + 2 * margin.X, patchSize.Y + 2 * margin.Y, patchSize.Z + 2 * margin.Z);
        var patch = PatchArrayPool.Shared.Rent(checked((int)patchSize.Count)); // every voxel is written below
        int n = checked((int)cropSize.Count);
        var crop = ArrayPool<float>.Shared.Rent(n);
        try
        {
            source.ReadCrop(origin.X - margin.X, origin.Y - margin.Y, origin.Z - margin.Z, cropSize, crop.AsSpan(0, n));
            ResampleCentredNearest(crop.AsSpan(0, n), cropSize, m, patch, patchSize);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(crop);
        }
        PatchMirror.Apply(patch, patchSize, transform.MirrorX, transform.MirrorY, transform.MirrorZ);
        return patch;
    }

    /// <summary>As <see cref="ResampleCentred"/> but each destination voxel takes the nearest source voxel (0 outside),
    /// so a label map gains no new values.</summary>
    public static void ResampleCentredNearest(ReadOnlySpan<float> source, Shape3 sourceSize, double[] sourceMatrix, Span<float> destination, Shape3 destinationSize)
    {
        ArgumentNullException.ThrowIfNull(sourceMatrix);
        if (source.Length < sourceSize.Count || destination.Length < destinationSize.Count)
            throw new ArgumentException("Source or destination span is smaller than its shape.");
        var m = sourceMatrix;
        double csx = (sourceSize.X - 1) / 2.0, csy = (sourceSize.Y - 1) / 2.0, csz = (sourceSize.Z - 1) / 2.0;
        double cdx = (destinationSize.X - 1) / 2.0, cdy = (destinationSize.Y - 1) / 2.0, cdz = (destinationSize.Z - 1) / 2.0;
        int i = 0;
        for (int z = 0; z < destinationSize.Z; z++)
            for (int y = 0; y < destinationSize.Y; y++)
                for (int x = 0; x < destinationSize.X; x++, i++)
                {
                    double dx = x - cdx, dy = y - cdy, dz = z - cdz;
                    int px = (int)Math.Floor(csx + m[0] * dx + m[1] * dy + m[2] * dz + 0.5);
                    int py = (int)Math.Floor(csy + m[3] * dx + m[4] * dy + m[5] * dz + 0.5);
                    int pz = (int)Math.Floor(csz + m[6] * dx + m[7] * dy + m[8] * dz + 0.5);
                    destination[i] = At(source, sourceSize, px, py, pz);
                }
    }

    private static float At(ReadOnlySpan<float> s, Shape3 size, int x, int y, int z) =>
        x < 0 || y < 0 || z < 0 || x >= size.X || y >= size.Y || z >= size.Z ? 0f : s[(int)size.Index(x, y, z)];

    /// <summary>Voxels to add on each side of the patch box so the transformed box (and its trilinear neighbours) fits.</summary>
    public static Shape3 MarginFor(double[] sourceMatrix, Shape3 patchSize)
    {
        ArgumentNullException.ThrowIfNull(sourceMatrix);
        double hx = (patchSize.X - 1) / 2.0, hy = (patchSize.Y - 1) / 2.0, hz = (patchSize.Z - 1) / 2.0;
        int Axis(int i, double h) =>
            Math.Max(0, (int)Math.Ceiling(Math.Abs(sourceMatrix[i * 3]) * hx + Math.Abs(sourceMatrix[i * 3 + 1]) * hy + Math.Abs(sourceMatrix[i * 3 + 2]) * hz - h - 1e-9)) + 1;
        return new Shape3(Axis(0, hx), Axis(1, hy), Axis(2, hz));
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (X fastest) by sampling <paramref name="source"/> trilinearly at
    /// centre(source) + M · (p − centre(destination)); samples outside the source are 0. With M = identity and source and
    /// destination sizes of equal parity per axis, this is an exact centred crop.
    /// </summary>
    public static void ResampleCentred(ReadOnlySpan<float> source, Shape3 sourceSize, double[] sourceMatrix, Span<float> destination, Shape3 destinationSize)
    {
        ArgumentNullException.ThrowIfNull(sourceMatrix);
        if (source.Length < sourceSize.Count || destination.Length < destinationSize.Count)
            throw new ArgumentException("Source or destination span is smaller than its shape.");
        // The sampler wants a zero border around what it reads: copy the source into a padded buffer.
        var held = new Shape3(sourceSize.X + 2, sourceSize.Y + 2, sourceSize.Z + 2);
        var padded = new float[held.Count];
        for (int z = 0; z < sourceSize.Z; z++)
            for (int y = 0; y < sourceSize.Y; y++)
                source.Slice((int)sourceSize.Index(0, y, z), sourceSize.X).CopyTo(padded.AsSpan((int)held.Index(1, y + 1, z + 1), sourceSize.X));
        var centre = ((sourceSize.X - 1) / 2.0, (sourceSize.Y - 1) / 2.0, (sourceSize.Z - 1) / 2.0);
        Sample(padded, held, (-1, -1, -1), centre, sourceMatrix, destination, destinationSize, (false, false, false));
    }

    /// <summary>
    /// Trilinear samples at <paramref name="centre"/> + M · (p − centre(destination)), in the coordinates of a box of which
    /// <paramref name="source"/> holds the part of size <paramref name="size"/> starting at <paramref name="corner"/>, its
    /// outermost voxels a zero border (or real voxels no sample reaches): a sample whose 8 neighbours are in the buffer is
    /// interpolated, any other is 0 (its neighbours along some axis lie beyond the border). Voxel (x, y, z) is written
    /// where <paramref name="mirror"/> flips it to.
    /// Positions: each row's start is computed in double and rounded to float; along the row, start + m₀·x in float
    /// (float32 keeps ~2e-5 voxel at 300 voxels from the origin, far below what moves an interpolated value). Rows run 8
    /// voxels at a time in AVX2 (the scalar tail does the same float arithmetic, so both give the same bits); the 8
    /// neighbours are read as four pairs (x, x + 1) by 64-bit scalar loads, not gathers: on the Zen 5 we measured, an
    /// AVX2 gather of 4 pairs cost ~3.4 ns. A transform without rotation goes to <see cref="AxisAlignedSampler"/> (three
    /// 1-D passes, the same positions and lerps).
    /// </summary>
    private static unsafe void Sample(ReadOnlySpan<float> source, Shape3 size, (int X, int Y, int Z) corner, (double X, double Y, double Z) centre,
        double[] m, Span<float> destination, Shape3 destinationSize, (bool X, bool Y, bool Z) mirror)
    {
        if (AxisAlignedSampler.Applies(m))
        {
            AxisAlignedSampler.Sample(source, size, corner, centre, m, destination, destinationSize, mirror);
            return;
        }
        double cdx = (destinationSize.X - 1) / 2.0, cdy = (destinationSize.Y - 1) / 2.0, cdz = (destinationSize.Z - 1) / 2.0;
        bool simd = Avx2.IsSupported && size.Count <= int.MaxValue / 2;
        int nx = destinationSize.X;
        var reverse = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
        float mx = (float)m[0], my = (float)m[3], mz = (float)m[6];
        fixed (float* src = source)
        fixed (float* dst0 = destination)
        {
            var g = new Grid(src, size, corner);
            for (int z = 0; z < destinationSize.Z; z++)
            {
                double dz = z - cdz;
                int zOut = mirror.Z ? destinationSize.Z - 1 - z : z;
                for (int y = 0; y < destinationSize.Y; y++)
                {
                    double dy = y - cdy, dx0 = -cdx;
                    int yOut = mirror.Y ? destinationSize.Y - 1 - y : y;
                    float* row = dst0 + destinationSize.Index(0, yOut, zOut);
                    // Source position of (0, y, z); each step in x adds the matrix's first column.
                    var q = new Row(RowStart(centre.X, m[0], m[1], m[2], dx0, dy, dz), RowStart(centre.Y, m[3], m[4], m[5], dx0, dy, dz),
                        RowStart(centre.Z, m[6], m[7], m[8], dx0, dy, dz), mx, my, mz);
                    int x = 0;
                    if (simd)
                        for (; x + 8 <= nx; x += 8)
                        {
                            var v = Sample8(in g, in q, x);
                            if (mirror.X) Avx2.PermuteVar8x32(v, reverse).Store(row + (nx - 8 - x));
                            else v.Store(row + x);
                        }
                    for (; x < nx; x++)
                        row[mirror.X ? nx - 1 - x : x] = SampleAt(in g, q.StartX + mx * x, q.StartY + my * x, q.StartZ + mz * x);
                }
            }
        }
    }

    /// <summary>One coordinate of a row's start, centre + (a, b, c) · (dx, dy, dz), summed in double, then rounded to float.
    /// <see cref="AxisAlignedSampler"/> relies on this order of terms.</summary>
    internal static float RowStart(double centre, double a, double b, double c, double dx, double dy, double dz) =>
        (float)(centre + a * dx + b * dy + c * dz);

    /// <summary>The buffer, its extents, strides and corner (in box coordinates), for the samplers.</summary>
    private readonly unsafe struct Grid(float* source, Shape3 size, (int X, int Y, int Z) corner)
    {
        public readonly float* Source = source;
        public readonly int X = size.X, Y = size.Y, Z = size.Z, Plane = (int)Math.Min((long)size.X * size.Y, int.MaxValue);
        public readonly int CornerX = corner.X, CornerY = corner.Y, CornerZ = corner.Z;
    }

    /// <summary>One output row's start position and per-x step, as floats and broadcast once per row.</summary>
    private readonly struct Row(float qx, float qy, float qz, float mx, float my, float mz)
    {
        public readonly float StartX = qx, StartY = qy, StartZ = qz;
        public readonly Vector256<float> Qx = Vector256.Create(qx), Qy = Vector256.Create(qy), Qz = Vector256.Create(qz);
        public readonly Vector256<float> Mx = Vector256.Create(mx), My = Vector256.Create(my), Mz = Vector256.Create(mz);
    }

    /// <summary>One sample (box coordinates): interpolated when its 8 neighbours are in the buffer, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float SampleAt(in Grid g, float px, float py, float pz)
    {
        // Neighbours floor(p) and floor(p) + 1 inside [corner, corner + size) on every axis.
        if (!(px >= g.CornerX && py >= g.CornerY && pz >= g.CornerZ && px < g.CornerX + g.X - 1 && py < g.CornerY + g.Y - 1 && pz < g.CornerZ + g.Z - 1))
            return 0f;
        float x0 = MathF.Floor(px), y0 = MathF.Floor(py), z0 = MathF.Floor(pz);
        float fx = px - x0, fy = py - y0, fz = pz - z0;
        int sx = g.X;
        long splane = g.Plane;
        float* b = g.Source + ((int)x0 - g.CornerX + sx * (long)((int)y0 - g.CornerY) + splane * ((int)z0 - g.CornerZ));
        float c00 = Lerp(b[0], b[1], fx);
        float c10 = Lerp(b[sx], b[sx + 1], fx);
        float* b1 = b + splane;
        float c01 = Lerp(b1[0], b1[1], fx);
        float c11 = Lerp(b1[sx], b1[sx + 1], fx);
        return Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
    }

    /// <summary>Samples x .. x+7 of a row (positions start + m·x in float, exactly as <see cref="SampleAt"/> computes them).
    /// Grid and row come by reference: passed by value they were copied on every call (~25 % of the sampler's time).</summary>
    private static unsafe Vector256<float> Sample8(in Grid g, in Row q, int x)
    {
        var xs = Vector256.Create((float)x) + Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);
        var px = q.Qx + q.Mx * xs;
        var py = q.Qy + q.My * xs;
        var pz = q.Qz + q.Mz * xs;
        var inside = Vector256.GreaterThanOrEqual(px, Vector256.Create((float)g.CornerX))
                   & Vector256.GreaterThanOrEqual(py, Vector256.Create((float)g.CornerY))
                   & Vector256.GreaterThanOrEqual(pz, Vector256.Create((float)g.CornerZ))
                   & Vector256.LessThan(px, Vector256.Create((float)(g.CornerX + g.X - 1)))
                   & Vector256.LessThan(py, Vector256.Create((float)(g.CornerY + g.Y - 1)))
                   & Vector256.LessThan(pz, Vector256.Create((float)(g.CornerZ + g.Z - 1)));
        uint bits = inside.ExtractMostSignificantBits();
        if (bits == 0) return Vector256<float>.Zero;
        var x0 = Avx.Floor(px);
        var y0 = Avx.Floor(py);
        var z0 = Avx.Floor(pz);
        var ix = Avx.ConvertToVector256Int32WithTruncation(x0) - Vector256.Create(g.CornerX);
        var iy = Avx.ConvertToVector256Int32WithTruncation(y0) - Vector256.Create(g.CornerY);
        var iz = Avx.ConvertToVector256Int32WithTruncation(z0) - Vector256.Create(g.CornerZ);
        // Lanes outside read voxel 0 (harmless) and are zeroed below.
        var index = (ix + iy * Vector256.Create(g.X) + iz * Vector256.Create(g.Plane)) & inside.AsInt32();
        int* lane = (int*)&index;
        var (b000, b100) = Pairs(g.Source, lane);
        var (b010, b110) = Pairs(g.Source + g.X, lane);
        var (b001, b101) = Pairs(g.Source + g.Plane, lane);
        var (b011, b111) = Pairs(g.Source + g.Plane + g.X, lane);
        var fx = px - x0;
        var fy = py - y0;
        var fz = pz - z0;
        var r = Lerp(Lerp(Lerp(b000, b100, fx), Lerp(b010, b110, fx), fy), Lerp(Lerp(b001, b101, fx), Lerp(b011, b111, fx), fy), fz);
        return bits == 0xFF ? r : r & inside;
    }

    /// <summary>The float at src + lane[i] and the one after it, for the 8 lanes: eight 64-bit loads, split into the lower
    /// and the upper neighbours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<float> A, Vector256<float> B) Pairs(float* src, int* lane)
    {
        var p0 = Vector256.Create(*(double*)(src + lane[0]), *(double*)(src + lane[1]), *(double*)(src + lane[2]), *(double*)(src + lane[3])).AsSingle();
        var p1 = Vector256.Create(*(double*)(src + lane[4]), *(double*)(src + lane[5]), *(double*)(src + lane[6]), *(double*)(src + lane[7])).AsSingle();
        var a = Avx.Shuffle(p0, p1, 0b10_00_10_00); // a0 a1 a4 a5 | a2 a3 a6 a7
        var b = Avx.Shuffle(p0, p1, 0b11_01_11_01);
        return (Avx2.Permute4x64(a.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(b.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lerp(Vector256<float> a, Vector256<float> b, Vector256<float> f) =>
        Vector256.ConditionalSelect(Vector256.Equals(f, Vector256<float>.Zero), a, a + (b - a) * f);

    // Exact at f = 0 (returns a), so an identity transform copies voxels bit for bit. AxisAlignedSampler uses it too.
    internal static float Lerp(float a, float b, float f) => f == 0 ? a : a + (b - a) * f;
}
