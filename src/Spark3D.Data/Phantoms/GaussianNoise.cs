namespace Spark3D.Data.Phantoms;

/// <summary>
/// A small, fast, deterministic source of standard-normal pairs (SplitMix64 + Marsaglia's polar method): one per slice,
/// so phantoms are identical whatever the thread count. ~3× cheaper than System.Random + Box–Muller per voxel.
/// </summary>
internal struct GaussianNoise
{
    private ulong _state;

    public GaussianNoise(int seed) => _state = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x2545F4914F6CDD1DUL;

    /// <summary>Two independent N(0, 1) samples.</summary>
    public (double A, double B) NextPair()
    {
        while (true)
        {
            double u = 2 * NextUnit() - 1, v = 2 * NextUnit() - 1;
            double s = u * u + v * v;
            if (s is >= 1 or 0) continue;
            double f = Math.Sqrt(-2 * Math.Log(s) / s);
            return (u * f, v * f);
        }
    }

    private double NextUnit()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
