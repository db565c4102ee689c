namespace Spark3D.Data.Phantoms;

/// <summary>Deterministic seed derivation (SplitMix64); unlike HashCode it is stable across processes.</summary>
internal static class SeedMixer
{
    public static int Mix(long a, long b, long c = 0)
    {
        ulong x = Step((ulong)a) ^ Step((ulong)b + 0x632BE59BD9B4E019UL) ^ Step((ulong)c + 0x8CB92BA72F3D8DD7UL);
        return (int)(Step(x) & 0x7FFFFFFF);
    }

    private static ulong Step(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
