using System.Diagnostics;
using System.Text.Json;
using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Tests.Preprocessing;

public class StageTimingsTests
{
    [Fact]
    public void Json_lists_every_stage_in_pipeline_order_then_the_total()
    {
        var t = new StageTimings();
        t.Add(PreprocessStage.Inflate, Stopwatch.Frequency / 4);   // 0.25 s
        t.Add(PreprocessStage.Resample, Stopwatch.Frequency / 2);  // 0.5 s
        using var doc = JsonDocument.Parse(t.ToJson());
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["hash", "inflate", "convert", "reorient", "crop", "statistics", "resample", "chunk", "compress", "checksum", "write", "total"], names);
        Assert.Equal(0.25, doc.RootElement.GetProperty("inflate").GetDouble(), 6);
        Assert.Equal(0.5, doc.RootElement.GetProperty("resample").GetDouble(), 6);
        Assert.Equal(0, doc.RootElement.GetProperty("write").GetDouble());
        Assert.Equal(0.75, doc.RootElement.GetProperty("total").GetDouble(), 6);
    }

    [Fact]
    public void Laps_chain_and_timings_add_up_across_threads()
    {
        var total = new StageTimings();
        Parallel.For(0, 8, _ =>
        {
            var mine = new StageTimings();
            long t = Stopwatch.GetTimestamp();
            Thread.Sleep(5);
            t = mine.Lap(PreprocessStage.Crop, t);
            Thread.Sleep(5);
            mine.Lap(PreprocessStage.Write, t);
            total.Add(mine);
        });
        Assert.InRange(total[PreprocessStage.Crop].TotalMilliseconds, 8 * 4.5, 8 * 1000);
        Assert.InRange(total[PreprocessStage.Write].TotalMilliseconds, 8 * 4.5, 8 * 1000);
        Assert.Equal(TimeSpan.Zero, total[PreprocessStage.Hash]);
    }
}
