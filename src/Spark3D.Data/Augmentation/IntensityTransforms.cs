using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>
/// The image-only transforms of nnU-Net's training augmentation, one channel at a time (X-fastest grid), each a port of
/// its batchgeneratorsv2 counterpart (the class named on each method). Deterministic given their parameters; the only
/// generator use is the noise itself. Label maps are never touched by these.
/// </summary>
public static class IntensityTransforms
{
    /// <summary><c>GaussianNoiseTransform</c>: adds N(0, <paramref name="std"/>²) to every voxel.</summary>
    public static void AddGaussianNoise(Span<float> voxels, double std, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (std == 0) return;
        for (int i = 0; i < voxels.Length; i += 2)
        {
            // Box-Muller: two independent normals per pair of uniforms; 1 - u keeps the log finite.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * std, a = 2.0 * Math.PI * u2;
            voxels[i] += (float)(r * Math.Cos(a));
            if (i + 1 < voxels.Length) voxels[i + 1] += (float)(r * Math.Sin(a));
        }
    }

    /// <summary><c>MultiplicativeBrightnessTransform</c>: every voxel times <paramref name="factor"/>.</summary>
    public static void MultiplyBrightness(Span<float> voxels, double factor)
    {
        float f = (float)factor;
        for (int i = 0; i < voxels.Length; i++) voxels[i] *= f;
    }

    /// <summary><c>ContrastTransform(preserve_range=True)</c>: (v − mean)·factor + mean, clipped to the channel's
    /// original [min, max].</summary>
    public static void Contrast(Span<float> voxels, double factor)
    {
        if (voxels.IsEmpty) return;
        double mean = Mean(voxels);
        var (min, max) = MinMax(voxels);
        for (int i = 0; i < voxels.Length; i++)
            voxels[i] = Math.Clamp((float)((voxels[i] - mean) * factor + mean), min, max);
    }

    /// <summary>
    /// <c>GammaTransform(p_retain_stats=1)</c>: optionally negate, map [min, max] to [0, 1], raise to γ, map back, restore
    /// the channel's mean and (unbiased) std, undo the negation.
    /// </summary>
    public static void Gamma(Span<float> voxels, double gamma, bool invert)
    {
        if (voxels.Length < 2) return;
        const double Eps = 1e-7;
        double sign = invert ? -1 : 1;
        double mean = 0, sq = 0;
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < voxels.Length; i++)
        {
            double v = sign * voxels[i];
            mean += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        mean /= voxels.Length;
        for (int i = 0; i < voxels.Length; i++) { double d = sign * voxels[i] - mean; sq += d * d; }
        double std = Math.Sqrt(sq / (voxels.Length - 1));
        double range = max - min, denom = Math.Max(range, Eps);
        var mapped = new double[voxels.Length];
        double newMean = 0, newSq = 0;
        for (int i = 0; i < voxels.Length; i++)
        {
            double t = Math.Max(0, (sign * voxels[i] - min) / denom);
            mapped[i] = Math.Pow(t, gamma) * range + min;
            newMean += mapped[i];
        }
        newMean /= voxels.Length;
        for (int i = 0; i < voxels.Length; i++) { double d = mapped[i] - newMean; newSq += d * d; }
        double newStd = Math.Sqrt(newSq / (voxels.Length - 1));
        double k = std / Math.Max(newStd, Eps);
        for (int i = 0; i < voxels.Length; i++) voxels[i] = (float)(sign * ((mapped[i] - newMean) * k + mean));
    }

    /// <summary>
    /// <c>GaussianBlurTransform</c>: separable Gaussian with σ per axis (voxels), kernel of the odd size nearest to
    /// 6σ + 0.5 (batchgeneratorsv2's truncate = 6), borders reflected (torch <c>pad(mode='reflect')</c>). σ = 0 skips an axis.
    /// </summary>
    public static void GaussianBlur(Span<float> voxels, Shape3 shape, double sigmaX, double sigmaY, double sigmaZ)
    {
        CheckShape(voxels, shape);
        var line = new float[Math.Max(shape.X, Math.Max(shape.Y, shape.Z))];
        BlurAxis(voxels, shape, 0, sigmaX, line);
        BlurAxis(voxels, shape, 1, sigmaY, line);
        BlurAxis(voxels, shape, 2, sigmaZ, line);
    }

    /// <summary>
    /// <c>SimulateLowResolutionTransform</c>: downsample to round(n·<paramref name="zoom"/>) voxels per axis with
    /// nearest-exact sampling, then back to the original shape trilinearly (torch <c>interpolate</c>,
    /// <c>align_corners=False</c>). Rounding is Python's (half to even).
    /// </summary>
    public static void SimulateLowResolution(Span<float> voxels, Shape3 shape, double zoom)
    {
        CheckShape(voxels, shape);
        var small = new Shape3(Down(shape.X, zoom), Down(shape.Y, zoom), Down(shape.Z, zoom));
        if (small == shape) return;
        var low = new float[small.Count];
        var ix = NearestExact(small.X, shape.X);
        var iy = NearestExact(small.Y, shape.Y);
        var iz = NearestExact(small.Z, shape.Z);
        int n = 0;
        for (int z = 0; z < small.Z; z++)
            for (int y = 0; y < small.Y; y++)
                for (int x = 0; x < small.X; x++)
                    low[n++] = voxels[(int)shape.Index(ix[x], iy[y], iz[z])];
        var (x0, x1, fx) = Linear(shape.X, small.X);
        var (y0, y1, fy) = Linear(shape.Y, small.Y);
        var (z0, z1, fz) = Linear(shape.Z, small.Z);
        int sx = small.X, sxy = small.X * small.Y;
        n = 0;
        for (int z = 0; z < shape.Z; z++)
            for (int y = 0; y < shape.Y; y++)
                for (int x = 0; x < shape.X; x++)
                {
                    float L(int a, int b, int c) => low[a + sx * b + sxy * c];
                    float c00 = Lerp(L(x0[x], y0[y], z0[z]), L(x1[x], y0[y], z0[z]), fx[x]);
                    float c10 = Lerp(L(x0[x], y1[y], z0[z]), L(x1[x], y1[y], z0[z]), fx[x]);
                    float c01 = Lerp(L(x0[x], y0[y], z1[z]), L(x1[x], y0[y], z1[z]), fx[x]);
                    float c11 = Lerp(L(x0[x], y1[y], z1[z]), L(x1[x], y1[y], z1[z]), fx[x]);
                    voxels[n++] = Lerp(Lerp(c00, c10, fy[y]), Lerp(c01, c11, fy[y]), fz[z]);
                }
    }

    private static int Down(int n, double zoom) => Math.Max(1, (int)Math.Round(n * zoom, MidpointRounding.ToEven));

    // torch 'nearest-exact': source index floor((i + 0.5) · in / out), clamped.
    private static int[] NearestExact(int output, int input)
    {
        var idx = new int[output];
        double scale = (double)input / output;
        for (int i = 0; i < output; i++) idx[i] = Math.Min((int)Math.Floor((i + 0.5) * scale), input - 1);
        return idx;
    }

    // torch 'linear' with align_corners=False: source position (i + 0.5) · in / out − 0.5, clamped at 0.
    private static (int[] I0, int[] I1, float[] F) Linear(int output, int input)
    {
        var i0 = new int[output];
        var i1 = new int[output];
        var f = new float[output];
        double scale = (double)input / output;
        for (int i = 0; i < output; i++)
        {
            double p = Math.Max(0, (i + 0.5) * scale - 0.5);
            int a = Math.Min((int)p, input - 1);
            i0[i] = a;
            i1[i] = Math.Min(a + 1, input - 1);
            f[i] = (float)(p - a);
        }
        return (i0, i1, f);
    }

    private static float Lerp(float a, float b, float f) => a + (b - a) * f;

    private static void BlurAxis(Span<float> v, Shape3 shape, int axis, double sigma, float[] line)
    {
        if (sigma <= 0) return;
        var kernel = Kernel(sigma);
        int half = kernel.Length / 2;
        int n = axis == 0 ? shape.X : axis == 1 ? shape.Y : shape.Z;
        int stride = axis == 0 ? 1 : axis == 1 ? shape.X : shape.X * shape.Y;
        int lines = (int)(shape.Count / n);
        for (int l = 0; l < lines; l++)
        {
            // Start of the l-th line along the axis: enumerate the other two coordinates.
            int start = axis switch
            {
                0 => l * shape.X,
                1 => (l % shape.X) + (l / shape.X) * shape.X * shape.Y,
                _ => l,
            };
            for (int i = 0; i < n; i++) line[i] = v[start + i * stride];
            for (int i = 0; i < n; i++)
            {
                double acc = 0;
                for (int k = 0; k < kernel.Length; k++) acc += kernel[k] * line[Reflect(i + k - half, n)];
                v[start + i * stride] = (float)acc;
            }
        }
    }

    // torch 'reflect' padding: the edge voxel is not repeated (-1 -> 1, n -> n - 2), folded until inside.
    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }

    // batchgeneratorsv2 _build_kernel: size = nearest odd of σ·6 + 0.5; normalised exp(−x²/2σ²) on a centred grid.
    private static double[] Kernel(double sigma)
    {
        int size = NearestOdd(sigma * 6 + 0.5);
        var k = new double[size];
        double half = (size - 1) * 0.5, sum = 0;
        for (int i = 0; i < size; i++)
        {
            double x = (i - half) / sigma;
            k[i] = Math.Exp(-0.5 * x * x);
            sum += k[i];
        }
        for (int i = 0; i < size; i++) k[i] /= sum;
        return k;
    }

    private static int NearestOdd(double n)
    {
        int r = (int)Math.Round(n, MidpointRounding.ToEven);
        if (r % 2 == 1) return r;
        return n - r >= 0 ? r + 1 : r - 1;
    }

    private static double Mean(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float x in v) s += x;
        return s / v.Length;
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> v)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (float x in v)
        {
            if (x < min) min = x;
            if (x > max) max = x;
        }
        return (min, max);
    }

    private static void CheckShape(ReadOnlySpan<float> voxels, Shape3 shape)
    {
        if (voxels.Length != shape.Count) throw new ArgumentException($"{voxels.Length} voxels do not match shape {shape}.", nameof(voxels));
    }
}
