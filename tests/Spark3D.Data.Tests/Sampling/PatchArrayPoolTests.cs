using Spark3D.Data.Sampling;

namespace Spark3D.Data.Tests.Sampling;

public class PatchArrayPoolTests
{
    [Fact]
    public void A_returned_array_is_handed_out_again_for_the_same_length_only()
    {
        var pool = new PatchArrayPool();
        var a = pool.Rent(1000);
        Assert.Equal(1000, a.Length);
        Assert.True(pool.Return(a));
        Assert.Equal(1, pool.FreeCount);
        Assert.NotSame(a, pool.Rent(999));
        Assert.Same(a, pool.Rent(1000));
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void Only_arrays_it_handed_out_and_not_yet_took_back_are_taken()
    {
        var pool = new PatchArrayPool();
        Assert.False(pool.Return(new float[1000])); // someone else's array (a cached volume, say)
        Assert.False(pool.Return(null));
        var a = pool.Rent(1000);
        Assert.True(pool.Return(a));
        Assert.False(pool.Return(a)); // twice: it could otherwise go to two patches at once
        Assert.Equal(1, pool.FreeCount);
    }

    [Fact]
    public void It_keeps_at_most_the_cap_of_free_arrays_per_length()
    {
        var pool = new PatchArrayPool(maxFreePerLength: 2);
        var rented = Enumerable.Range(0, 4).Select(_ => pool.Rent(64)).ToList();
        Assert.Equal([true, true, false, false], rented.Select(pool.Return));
        Assert.Equal(2, pool.FreeCount);
        Assert.True(pool.Return(pool.Rent(8))); // another length has its own cap
        Assert.Equal(3, pool.FreeCount);
    }

    [Fact]
    public void Rent_and_return_from_many_threads_never_hand_one_array_to_two_holders()
    {
        var pool = new PatchArrayPool(maxFreePerLength: 4);
        int clashes = 0;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 2000; i++)
            {
                var a = pool.Rent(16);
                float mark = Environment.CurrentManagedThreadId * 10_000 + i;
                a[0] = mark;
                Thread.SpinWait(20);
                if (a[0] != mark) Interlocked.Increment(ref clashes);
                pool.Return(a);
            }
        });
        Assert.Equal(0, clashes);
        Assert.InRange(pool.FreeCount, 1, 4);
    }
}
