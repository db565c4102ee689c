using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Vectorised row kernels of the preprocessing (Vector256; a scalar loop does the tail and machines without it):
/// the nonzero extent of a row, the z-score statistics and the z-score itself. Every result depends only on the rows
/// and the order they are given in, never on thread scheduling, so a rebuilt cache file is bit-identical.
/// The z-score is computed in double and rounded once to float, exactly as the scalar <c>(float)((x − mean) · inv)</c>.
/// </summary>
internal static class VoxelKernels
{
    private static int Lanes => Vector256<float>.Count;

    private static bool Simd => Vector256.IsHardwareAccelerated;

    /// <summary>First and last index of a voxel ≠ 0 (NaN counts as nonzero, −0 as zero), or (−1, −1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int First, int Last) NonzeroExtent(ReadOnlySpan<float> row)
    {
        int first = -1, n = row.Length, i = 0;
        ref float r = ref MemoryMarshal.GetReference(row);
        if (Simd)
        {
            for (; i <= n - Lanes; i += Lanes)
            {
                uint nz = ~Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)i), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu;
                if (nz != 0) { first = i + BitOperations.TrailingZeroCount(nz); break; }
            }
        }
        if (first < 0)
        {
            for (; i < n; i++)
                if (Unsafe.Add(ref r, i) != 0) { first = i; break; } // NaN != 0
            if (first < 0) return (-1, -1);
        }
        int j = n;
        if (Simd)
        {
            for (; j - Lanes >= first; j -= Lanes)
            {
                uint nz = ~Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)(j - Lanes)), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu;
                if (nz != 0) return (first, j - Lanes + 31 - BitOperations.LeadingZeroCount(nz));
            }
        }
        for (j--; j > first; j--)
            if (Unsafe.Add(ref r, j) != 0) return (first, j);
        return (first, first);
    }

    /// <summary>Count, sum, min and max of the chosen voxels of one slice, given row by row.</summary>
    public struct Sums
    {
        private Vector256<double> _lo, _hi;
        private Vector256<float> _min, _max;
        private double _tail;
        private float _tailMin, _tailMax;
        private long _count;
        private bool _started;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddRow(ReadOnlySpan<float> row, bool foregroundOnly)
        {
            if (!_started)
            {
                _min = Vector256.Create(float.PositiveInfinity);
                _max = Vector256.Create(float.NegativeInfinity);
                _tailMin = float.PositiveInfinity;
                _tailMax = float.NegativeInfinity;
                _started = true;
            }
            int n = row.Length, i = 0;
            ref float r = ref MemoryMarshal.GetReference(row);
            if (Simd)
            {
                var inf = Vector256.Create(float.PositiveInfinity);
                var ninf = Vector256.Create(float.NegativeInfinity);
                for (; i <= n - Lanes; i += Lanes)
                {
                    var x = Vector256.LoadUnsafe(ref r, (nuint)i);
                    // Zeros add nothing to the sum; they are only kept out of the count, min and max.
                    _lo += Vector256.WidenLower(x);
                    _hi += Vector256.WidenUpper(x);
                    if (foregroundOnly)
                    {
                        var zero = Vector256.Equals(x, Vector256<float>.Zero);
                        _count += Lanes - BitOperations.PopCount(zero.ExtractMostSignificantBits());
                        _min = Vector256.MinNative(_min, Vector256.ConditionalSelect(zero, inf, x));
                        _max = Vector256.MaxNative(_max, Vector256.ConditionalSelect(zero, ninf, x));
                    }
                    else
                    {
                        _count += Lanes;
                        _min = Vector256.MinNative(_min, x);
                        _max = Vector256.MaxNative(_max, x);
                    }
                }
            }
            for (; i < n; i++)
            {
                float x = Unsafe.Add(ref r, i);
                if (foregroundOnly && x == 0) continue;
                _count++;
                _tail += x;
                if (x < _tailMin) _tailMin = x;
                if (x > _tailMax) _tailMax = x;
            }
        }

        /// <summary>The slice's totals (min +∞ and max −∞ when no voxel was chosen).</summary>
        public readonly (long Count, double Sum, double Min, double Max) Result()
        {
            if (!_started) return (0, 0, double.PositiveInfinity, double.NegativeInfinity);
            double sum = Vector256.Sum(_lo) + Vector256.Sum(_hi) + _tail;
            float min = _tailMin, max = _tailMax;
            for (int k = 0; k < Lanes; k++)
            {
                min = Math.Min(min, _min.GetElement(k));
                max = Math.Max(max, _max.GetElement(k));
            }
            return (_count, sum, min, max);
        }
    }

    /// <summary>Σ (x − mean)² over the chosen voxels of one slice, given row by row.</summary>
    public struct Squares
    {
        private Vector256<double> _lo, _hi;
        private double _tail;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddRow(ReadOnlySpan<float> row, double mean, bool foregroundOnly)
        {
            int n = row.Length, i = 0;
            ref float r = ref MemoryMarshal.GetReference(row);
            if (Simd)
            {
                var m = Vector256.Create(mean);
                for (; i <= n - Lanes; i += Lanes)
                {
                    var x = Vector256.LoadUnsafe(ref r, (nuint)i);
                    var dl = Vector256.WidenLower(x) - m;
                    var dh = Vector256.WidenUpper(x) - m;
                    dl *= dl;
                    dh *= dh;
                    if (foregroundOnly)
                    {
                        var zero = Vector256.Equals(x, Vector256<float>.Zero);
                        dl = Vector256.AndNot(dl, Vector256.WidenLower(zero.AsInt32()).AsDouble());
                        dh = Vector256.AndNot(dh, Vector256.WidenUpper(zero.AsInt32()).AsDouble());
                    }
                    _lo += dl;
                    _hi += dh;
                }
            }
            for (; i < n; i++)
            {
                float x = Unsafe.Add(ref r, i);
                if (foregroundOnly && x == 0) continue;
                double d = x - mean;
                _tail += d * d;
            }
        }

        public readonly double Result() => Vector256.Sum(_lo) + Vector256.Sum(_hi) + _tail;
    }

    /// <summary>The z-score of one voxel value (the reference for the vector paths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ZScore(float x, double mean, double inv, bool foregroundOnly) =>
        foregroundOnly && x == 0 ? 0f : (float)((x - mean) * inv);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ZScore(Vector256<float> x, Vector256<double> mean, Vector256<double> inv, bool foregroundOnly)
    {
        var z = Vector256.Narrow((Vector256.WidenLower(x) - mean) * inv, (Vector256.WidenUpper(x) - mean) * inv);
        return foregroundOnly ? Vector256.AndNot(z, Vector256.Equals(x, Vector256<float>.Zero)) : z;
    }

    /// <summary>dst = z-score of src.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ZScoreRow(ReadOnlySpan<float> src, Span<float> dst, double mean, double inv, bool foregroundOnly)
    {
        int n = src.Length, i = 0;
        if (dst.Length < n) throw new ArgumentException("destination shorter than source", nameof(dst));
        ref float s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        if (Simd)
        {
            var m = Vector256.Create(mean);
            var k = Vector256.Create(inv);
            for (; i <= n - Lanes; i += Lanes)
                ZScore(Vector256.LoadUnsafe(ref s, (nuint)i), m, k, foregroundOnly).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = ZScore(Unsafe.Add(ref s, i), mean, inv, foregroundOnly);
    }

    /// <summary>dst = w · zscore(src) (first tap, <paramref name="add"/> false) or dst += w · zscore(src): the same float
    /// operations as z-scoring the row first and then <see cref="RowMath.SetScaled"/> / <see cref="RowMath.AddScaled"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ZScoreScaled(ReadOnlySpan<float> src, Span<float> dst, float w, bool add, double mean, double inv, bool foregroundOnly)
    {
        int n = dst.Length, i = 0;
        if (src.Length < n) throw new ArgumentException("source shorter than destination", nameof(src));
        ref float s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        if (Simd)
        {
            var m = Vector256.Create(mean);
            var k = Vector256.Create(inv);
            var vw = Vector256.Create(w);
            if (add)
                for (; i <= n - Lanes; i += Lanes)
                    (Vector256.LoadUnsafe(ref d, (nuint)i) + ZScore(Vector256.LoadUnsafe(ref s, (nuint)i), m, k, foregroundOnly) * vw).StoreUnsafe(ref d, (nuint)i);
            else
                for (; i <= n - Lanes; i += Lanes)
                    (ZScore(Vector256.LoadUnsafe(ref s, (nuint)i), m, k, foregroundOnly) * vw).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            float z = ZScore(Unsafe.Add(ref s, i), mean, inv, foregroundOnly);
            if (add) Unsafe.Add(ref d, i) += w * z;
            else Unsafe.Add(ref d, i) = w * z;
        }
    }
}
