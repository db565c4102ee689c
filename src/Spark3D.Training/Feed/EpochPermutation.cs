using Spark3D.Data.Seeding;

namespace Spark3D.Training.Feed;

/// <summary>The order in which one epoch visits the catalog: a Fisher–Yates shuffle seeded by (run seed, epoch).</summary>
public static class EpochPermutation
{
    /// <summary>Catalog indices in visiting order for <paramref name="epoch"/>.</summary>
    public static int[] For(long runSeed, int epoch, int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        // System.Random(int) uses the legacy seeded algorithm, which is stable across .NET versions.
        var rng = new Random(SeedMixer.Mix(runSeed, SeedMixer.Epochs, epoch));
        for (int i = count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
