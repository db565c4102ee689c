namespace Spark3D.Data.Seeding;

/// <summary>
/// Derives independent, reproducible seeds from a base seed and a few integers (SplitMix64 finaliser), so the phantom of
/// index i, the permutation of epoch e or the rng of slot (e, p) depend neither on thread timing nor on which actor did
/// the work. Unlike <see cref="HashCode"/> it is stable across processes and .NET versions. Each stream passes a tag of
/// its own as the first part (four ASCII letters, e.g. <see cref="Epochs"/>), so streams of one base seed never meet.
/// </summary>
public static class SeedMixer
{
    /// <summary>Epoch permutations of the training feed ("EPOC").</summary>
    public const long Epochs = 0x45504F43;

    /// <summary>Patch sampling and augmentation of one feed slot ("PTCH").</summary>
    public const long Patches = 0x50544348;

    /// <summary>Mask ratio and block masks of one batch ("MASK").</summary>
    public const long Masks = 0x4D41534B;

    /// <summary>Geometry, anatomy and lesions of one phantom ("PHAN").</summary>
    public const long Phantoms = 0x5048414E;

    /// <summary>Noise of one slice of one phantom ("NOIS").</summary>
    public const long PhantomNoise = 0x4E4F4953;

    /// <summary>Mixes <paramref name="seed"/> with <paramref name="parts"/> into a non-negative 32-bit seed.</summary>
    public static int Mix(long seed, params long[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
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
