namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Per-axis interpolation table: for output index o, <see cref="Taps"/> input indices (boundary already resolved)
/// and their weights, precomputed once so the voxel loops do no index arithmetic or allocation.
/// Sample position in input index space: p = o · zoom with zoom = (n_in − 1)/(n_out − 1) (1 when n_out = 1),
/// exactly as <c>scipy.ndimage.zoom(grid_mode=False)</c>.
/// </summary>
internal sealed class AxisSampling
{
    private AxisSampling(int taps, int[] index, float[] weight)
    {
        Taps = taps;
        Index = index;
        Weight = weight;
    }

    public int Taps { get; }

    /// <summary>Input index of tap t for output o at [o · Taps + t].</summary>
    public int[] Index { get; }

    /// <summary>Weight of tap t for output o at [o · Taps + t].</summary>
    public float[] Weight { get; }

    /// <summary>scipy's index scale for the corner-aligned grid.</summary>
    public static double Zoom(int nIn, int nOut) => nOut > 1 ? (double)(nIn - 1) / (nOut - 1) : 1.0;

    public static AxisSampling Create(int nIn, int nOut, Interpolation mode)
    {
        double zoom = Zoom(nIn, nOut);
        int taps = mode switch { Interpolation.Nearest => 1, Interpolation.Trilinear => 2, _ => 4 };
        var index = new int[nOut * taps];
        var weight = new float[nOut * taps];
        for (int o = 0; o < nOut; o++)
        {
            double p = o * zoom;
            int b = o * taps;
            switch (mode)
            {
                case Interpolation.Nearest:
                    // scipy order 0: floor(p + 0.5).
                    index[b] = Clamp((int)Math.Floor(p + 0.5), nIn);
                    weight[b] = 1;
                    break;
                case Interpolation.Trilinear:
                {
                    int i0 = (int)Math.Floor(p);
                    double t = p - i0;
                    index[b] = Clamp(i0, nIn);
                    index[b + 1] = Clamp(i0 + 1, nIn);
                    weight[b] = (float)(1 - t);
                    weight[b + 1] = (float)t;
                    break;
                }
                default:
                {
                    int i0 = (int)Math.Floor(p);
                    double t = p - i0, u = 1 - t, t2 = t * t, t3 = t2 * t;
                    weight[b] = (float)(u * u * u / 6);
                    weight[b + 1] = (float)((4 - 6 * t2 + 3 * t3) / 6);
                    weight[b + 2] = (float)((1 + 3 * t + 3 * t2 - 3 * t3) / 6);
                    weight[b + 3] = (float)(t3 / 6);
                    for (int k = 0; k < 4; k++) index[b + k] = Mirror(i0 - 1 + k, nIn);
                    break;
                }
            }
        }
        return new AxisSampling(taps, index, weight);
    }

    private static int Clamp(int i, int n) => i < 0 ? 0 : i >= n ? n - 1 : i;

    /// <summary>scipy 'mirror' extension (d c b | a b c d | c b a): whole-sample symmetric, period 2(n − 1).</summary>
    internal static int Mirror(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }
}
