using Spark3D.Training.Feed;

namespace Spark3D.Training.Tests.Feed;

public class ConsumptionTrackerTests
{
    [Fact]
    public void Watermark_advances_over_contiguous_slots_and_keeps_out_of_order_ones()
    {
        var tracker = new ConsumptionTracker(PipelineCursor.Start(3, 4), epochLength: 4);
        tracker.MarkConsumed(new VolumeSlot(0, 1));
        tracker.MarkConsumed(new VolumeSlot(0, 3));
        Assert.Equal(new PipelineCursor(3, 4, 0, 0, [new(0, 1), new(0, 3)]), tracker.Snapshot());

        tracker.MarkConsumed(new VolumeSlot(0, 0));
        Assert.Equal(new PipelineCursor(3, 4, 0, 2, [new(0, 3)]), tracker.Snapshot());

        tracker.MarkConsumed(new VolumeSlot(1, 0)); // next epoch, before the current one is finished
        tracker.MarkConsumed(new VolumeSlot(0, 2)); // closes epoch 0 and carries on into epoch 1
        Assert.Equal(new PipelineCursor(3, 4, 1, 1, []), tracker.Snapshot());

        tracker.MarkConsumed(new VolumeSlot(0, 2)); // already below the watermark: ignored
        Assert.Equal(new PipelineCursor(3, 4, 1, 1, []), tracker.Snapshot());
    }

    [Fact]
    public void Cursor_round_trips_through_json_and_answers_is_consumed()
    {
        var cursor = new PipelineCursor(11, 20, 2, 5, [new(2, 7), new(3, 0)]);
        var back = PipelineCursor.FromJson(cursor.ToJson());
        Assert.Equal(cursor, back);
        Assert.True(back.IsConsumed(new VolumeSlot(1, 19)));
        Assert.True(back.IsConsumed(new VolumeSlot(2, 4)));
        Assert.False(back.IsConsumed(new VolumeSlot(2, 5)));
        Assert.True(back.IsConsumed(new VolumeSlot(2, 7)));
        Assert.Throws<FormatException>(() => PipelineCursor.FromJson("{not json"));
        Assert.Throws<FormatException>(() => PipelineCursor.FromJson((cursor with { Position = 20 }).ToJson()));

        // Another catalog: the interrupted epoch's positions mean nothing there, so the next epoch starts.
        Assert.Equal(new PipelineCursor(11, 25, 3, 0, []), cursor.ForCatalog(25));
        Assert.Same(cursor, cursor.ForCatalog(20));
    }

    [Fact]
    public void Epoch_permutations_are_seeded_complete_and_differ_between_epochs()
    {
        var e0 = EpochPermutation.For(42, 0, 50);
        Assert.Equal(e0, EpochPermutation.For(42, 0, 50));
        Assert.Equal(Enumerable.Range(0, 50), e0.Order());
        Assert.NotEqual(e0, EpochPermutation.For(42, 1, 50));
        Assert.NotEqual(e0, EpochPermutation.For(43, 0, 50));
    }
}
