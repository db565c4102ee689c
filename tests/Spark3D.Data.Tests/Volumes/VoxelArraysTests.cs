using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Volumes;

public class VoxelArraysTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(300_000)]     // below the huge-page threshold (2 MiB)
    [InlineData(750_000)]     // 3 MB: holds one aligned huge page at most
    [InlineData(5_000_000)]   // 20 MB: advised for transparent huge pages on Linux
    public void Allocates_a_usable_array_of_exactly_the_length(int length)
    {
        var a = VoxelArrays.Allocate(length);
        Assert.Equal(length, a.Length);
        for (int i = 0; i < a.Length; i += 997) a[i] = i;
        for (int i = 0; i < a.Length; i += 997) Assert.Equal(i, a[i]);
        var b = VoxelArrays.Allocate<ushort>(length);
        Assert.Equal(length, b.Length);
    }

    [Fact]
    public void Rejects_negative_and_oversized_lengths()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VoxelArrays.Allocate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoxelArrays.Allocate((long)int.MaxValue + 1));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(5_000_000)]   // 20 MB: advised for transparent huge pages on Linux
    public void Rents_a_usable_pooled_array_of_at_least_the_length(int length)
    {
        var a = VoxelArrays.Rent<float>(length);
        Assert.True(a.Length >= length);
        for (int i = 0; i < length; i += 997) a[i] = i;
        for (int i = 0; i < length; i += 997) Assert.Equal(i, a[i]);
        System.Buffers.ArrayPool<float>.Shared.Return(a); // a pool array: Return accepts it (it throws for foreign sizes)
        Assert.Throws<ArgumentOutOfRangeException>(() => VoxelArrays.Rent<byte>(-1));
    }
}
