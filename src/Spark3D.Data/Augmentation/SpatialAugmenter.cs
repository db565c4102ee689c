using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>
/// Draws and applies the mild spatial augmentation (see <see cref="AugmentationOptions"/>) while a patch is cut from a
/// volume. Rotation and scale are applied about the patch centre: a crop large enough to hold the rotated/scaled patch
/// box is read (zero outside the volume, as batchgenerators' constant-0 border) and resampled into the patch with
/// trilinear interpolation (the reference uses cubic; trilinear keeps the CPU cost of the 20 % of samples that need it
/// low and adds no overshoot). Without rotation/scale the patch is a plain crop. Mirroring is applied last and is exact.
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
    /// <paramref name="nearest"/> the resampling takes the nearest voxel (label maps: no new values appear).</summary>
    public static float[] Extract(IVolumeCropSource source, (int X, int Y, int Z) origin, Shape3 patchSize, SpatialTransformParams transform, bool nearest)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transform);
        var patch = new float[checked((int)patchSize.Count)];
        if (!transform.NeedsResampling)
        {
            source.ReadCrop(origin.X, origin.Y, origin.Z, patchSize, patch);
        }
        else
        {
            var m = transform.SourceMatrix();
            var margin = MarginFor(m, patchSize);
            var cropSize = new Shape3(patchSize.X + 2 * margin.X, patchSize.Y + 2 * margin.Y, patchSize.Z + 2 * margin.Z);
            int n = checked((int)cropSize.Count);
            var crop = ArrayPool<float>.Shared.Rent(n);
            try
            {
                source.ReadCrop(origin.X - margin.X, origin.Y - margin.Y, origin.Z - margin.Z, cropSize, crop.AsSpan(0, n));
                if (nearest) ResampleCentredNearest(crop.AsSpan(0, n), cropSize, m, patch, patchSize);
                else ResampleCentred(crop.AsSpan(0, n), cropSize, m, patch, patchSize);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(crop);
            }
        }
        PatchMirror.Apply(patch, patchSize, transform.MirrorX, transform.MirrorY, transform.MirrorZ);
        return patch;
    }

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
        var m = sourceMatrix;
        double csx = (sourceSize.X - 1) / 2.0, csy = (sourceSize.Y - 1) / 2.0, csz = (sourceSize.Z - 1) / 2.0;
        double cdx = (destinationSize.X - 1) / 2.0, cdy = (destinationSize.Y - 1) / 2.0, cdz = (destinationSize.Z - 1) / 2.0;
        int sx = sourceSize.X, sy = sourceSize.Y, sz = sourceSize.Z;
        long splane = (long)sx * sy;
        ref float src0 = ref MemoryMarshal.GetReference(source);
        ref float dst0 = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (int z = 0; z < destinationSize.Z; z++)
        {
            double dz = z - cdz;
            for (int y = 0; y < destinationSize.Y; y++)
            {
                double dy = y - cdy, dx0 = -cdx;
                // Source position of (0, y, z); each step in x adds the matrix's first column.
                double qx = csx + m[0] * dx0 + m[1] * dy + m[2] * dz;
                double qy = csy + m[3] * dx0 + m[4] * dy + m[5] * dz;
                double qz = csz + m[6] * dx0 + m[7] * dy + m[8] * dz;
                for (int x = 0; x < destinationSize.X; x++, i++)
                {
                    double px = qx + m[0] * x, py = qy + m[3] * x, pz = qz + m[6] * x;
                    // Fast path (all 8 neighbours inside): coordinates are >= 0 there, so truncation is floor.
                    if (px >= 0 && py >= 0 && pz >= 0 && px < sx - 1 && py < sy - 1 && pz < sz - 1)
                    {
                        int x0 = (int)px, y0 = (int)py, z0 = (int)pz;
                        float fx = (float)(px - x0), fy = (float)(py - y0), fz = (float)(pz - z0);
                        ref float b = ref Unsafe.Add(ref src0, (nint)(x0 + sx * (long)y0 + splane * z0));
                        float c00 = Lerp(b, Unsafe.Add(ref b, 1), fx);
                        float c10 = Lerp(Unsafe.Add(ref b, sx), Unsafe.Add(ref b, sx + 1), fx);
                        ref float b1 = ref Unsafe.Add(ref b, (nint)splane);
                        float c01 = Lerp(b1, Unsafe.Add(ref b1, 1), fx);
                        float c11 = Lerp(Unsafe.Add(ref b1, sx), Unsafe.Add(ref b1, sx + 1), fx);
                        Unsafe.Add(ref dst0, i) = Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
                    }
                    else
                    {
                        int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py), z0 = (int)Math.Floor(pz);
                        Unsafe.Add(ref dst0, i) = SampleClipped(source, sourceSize, x0, y0, z0, (float)(px - x0), (float)(py - y0), (float)(pz - z0));
                    }
                }
            }
        }
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

    // Exact at f = 0 (returns a), so an identity transform copies voxels bit for bit.
    private static float Lerp(float a, float b, float f) => f == 0 ? a : a + (b - a) * f;

    private static float SampleClipped(ReadOnlySpan<float> s, Shape3 size, int x0, int y0, int z0, float fx, float fy, float fz)
    {
        float c00 = Lerp(At(s, size, x0, y0, z0), At(s, size, x0 + 1, y0, z0), fx);
        float c10 = Lerp(At(s, size, x0, y0 + 1, z0), At(s, size, x0 + 1, y0 + 1, z0), fx);
        float c01 = Lerp(At(s, size, x0, y0, z0 + 1), At(s, size, x0 + 1, y0, z0 + 1), fx);
        float c11 = Lerp(At(s, size, x0, y0 + 1, z0 + 1), At(s, size, x0 + 1, y0 + 1, z0 + 1), fx);
        return Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
    }

    private static float At(ReadOnlySpan<float> s, Shape3 size, int x, int y, int z) =>
        x < 0 || y < 0 || z < 0 || x >= size.X || y >= size.Y || z >= size.Z ? 0f : s[(int)size.Index(x, y, z)];
}
