using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Wall time spent per <see cref="PreprocessStage"/>, accumulated with <see cref="Stopwatch.GetTimestamp"/> (about 20 ns a
/// reading; the stages are timed per volume or per 1 MiB block, never per voxel). Thread-safe: volumes built in parallel
/// may add to one instance, whose totals are then summed over volumes (they can exceed the run's wall time).
/// A stage that runs on several threads at once is timed once, by the thread that started it.
/// </summary>
public sealed class StageTimings
{
    private static readonly PreprocessStage[] AllStages = Enum.GetValues<PreprocessStage>();
    private readonly long[] _ticks = new long[AllStages.Length];

    /// <summary>Every stage, in pipeline order.</summary>
    public static IReadOnlyList<PreprocessStage> Stages => AllStages;

    /// <summary>The lower-case name printed and used as a JSON key ("inflate", "resample", …).</summary>
    public static string NameOf(PreprocessStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value) to
    /// <paramref name="stage"/> and returns the current timestamp, so consecutive stages can be chained.</summary>
    public long Lap(PreprocessStage stage, long startTimestamp)
    {
        long now = Stopwatch.GetTimestamp();
        Add(stage, now - startTimestamp);
        return now;
    }

    /// <summary>Adds <paramref name="stopwatchTicks"/> (<see cref="Stopwatch"/> ticks) to a stage.</summary>
    public void Add(PreprocessStage stage, long stopwatchTicks) => Interlocked.Add(ref _ticks[(int)stage], stopwatchTicks);

    /// <summary>Adds every stage of <paramref name="other"/> to this one.</summary>
    public void Add(StageTimings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _ticks.Length; i++) Interlocked.Add(ref _ticks[i], Interlocked.Read(ref other._ticks[i]));
    }

    /// <summary>Accumulated time of one stage.</summary>
    public TimeSpan this[PreprocessStage stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>Sum over all stages.</summary>
    public TimeSpan Total => AllStages.Aggregate(TimeSpan.Zero, (t, s) => t + this[s]);

    /// <summary>One JSON object of seconds per stage in pipeline order, plus "total":
    /// <c>{"hash":0.004,"inflate":0.101,…,"total":0.512}</c>.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("{");
        foreach (var s in AllStages) sb.Append('"').Append(NameOf(s)).Append("\":").Append(Seconds(this[s])).Append(',');
        sb.Append("\"total\":").Append(Seconds(Total)).Append('}');
        return sb.ToString();
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
}
