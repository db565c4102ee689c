namespace Spark3D.Training.Feed;

/// <summary>Derives independent, reproducible seeds from the run seed and a few integers (SplitMix64 finaliser), so the
/// permutation of epoch e or the rng of slot (e, p) does not depend on thread timing or on which actor did the work.</summary>
public static class SeedMixer
{
    /// <summary>Mixes <paramref name="seed"/> with <paramref name="parts"/> into a non-negative 32-bit seed.</summary>
    public static int Mix(long seed, params long[] parts)
    {
        ulong h = Finalise(unchecked((ulong)seed));
        foreach (long p in parts) h = Finalise(h ^ unchecked((ulong)p + 0x9E3779B97F4A7C15UL));
        return (int)(h & 0x7FFFFFFF);
    }

    private static ulong Finalise(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
