using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Feed;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Tests.Feed;

public class TicketReorderBufferTests
{
    private static PatchItem Item(long sequence, bool skipped = false)
    {
        var ticket = new VolumeTicket(new VolumeSlot(0, (int)sequence), new VolumeRef($"v{sequence}", $"/data/v{sequence}"), sequence);
        return skipped ? PatchItem.Skipped(ticket) : new PatchItem(ticket, new Patch(new float[8], new Shape3(2, 2, 2)));
    }

    [Fact]
    public void Items_leave_in_ticket_order_whatever_order_they_arrive_in_and_each_frees_a_place_of_the_window()
    {
        using var window = new SemaphoreSlim(0, 5); // all five places taken by the loader
        var buffer = new TicketReorderBuffer(window);
        var taken = new List<long>();
        foreach (long s in new long[] { 3, 1, 4, 0, 2 })
        {
            buffer.Add(Item(s, skipped: s == 1));
            while (buffer.TryTakeNext(out var item)) taken.Add(item.IsSkipped ? -item.Ticket.Sequence : item.Ticket.Sequence);
        }
        Assert.Equal([0L, -1, 2, 3, 4], taken); // the quarantine mark of 1 keeps its place
        Assert.Equal(5, window.CurrentCount);
        Assert.Equal(5, buffer.Next);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Nothing_leaves_before_the_next_in_order_arrives()
    {
        var buffer = new TicketReorderBuffer(null);
        buffer.Add(Item(1));
        buffer.Add(Item(2));
        Assert.False(buffer.TryTakeNext(out _));
        Assert.Equal(2, buffer.Count);
        buffer.Add(Item(0));
        Assert.True(buffer.TryTakeNext(out var first));
        Assert.Equal(0, first.Ticket.Sequence);
    }

    [Fact]
    public void A_ticket_seen_twice_is_refused()
    {
        var buffer = new TicketReorderBuffer(null);
        buffer.Add(Item(0));
        Assert.Throws<InvalidOperationException>(() => buffer.Add(Item(0))); // waiting
        Assert.True(buffer.TryTakeNext(out _));
        Assert.Throws<InvalidOperationException>(() => buffer.Add(Item(0))); // already handed out
    }
}
