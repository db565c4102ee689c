using Spark3D.Data.Cache;

namespace Spark3D.Data.Tests.Cache;

public class ByteShuffleTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 16)]
    [InlineData(4, 1000)]
    [InlineData(2, 7)]
    [InlineData(2, 33)]
    [InlineData(2, 4096)]
    public void Unshuffle_inverts_shuffle_and_shuffle_groups_bytes_by_position(int elementSize, int count)
    {
        var rng = new Random(count);
        var plain = new byte[count * elementSize];
        rng.NextBytes(plain);
        var shuffled = new byte[plain.Length];
        var back = new byte[plain.Length];
        ByteShuffle.Shuffle(plain, elementSize, shuffled);
        for (int i = 0; i < count; i++)
            for (int b = 0; b < elementSize; b++)
                Assert.Equal(plain[i * elementSize + b], shuffled[b * count + i]);
        ByteShuffle.Unshuffle(shuffled, elementSize, back);
        Assert.Equal(plain, back);
    }
}
