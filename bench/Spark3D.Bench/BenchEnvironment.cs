using System.Globalization;
using System.Runtime.InteropServices;

namespace Spark3D.Bench;

/// <summary>
/// What every timing in a bench report needs next to it: the CPU, the core count, the load average when it ran, and
/// the JIT and GC mode in effect (the bench runs with the host's TieredCompilation=false and GC RetainVM=true; see Spark3D.Bench.csproj).
/// Also a precise process CPU clock (clock_gettime(CLOCK_PROCESS_CPUTIME_ID); Process.TotalProcessorTime only
/// counts whole scheduler ticks on Linux, too coarse for files that decode in microseconds).
/// </summary>
internal static partial class BenchEnvironment
{
    /// <summary>"AMD EPYC (family 25, model 17), 2 cores, load 0.52 0.61 0.40, TieredCompilation=false, GC RetainVM=true".</summary>
    public static string Describe()
    {
        string tiered = AppContext.TryGetSwitch("System.Runtime.TieredCompilation", out bool on) ? (on ? "true" : "false") : "default (true)";
        string retain = AppContext.GetData("System.GC.RetainVM") is { } r ? r.ToString()!.ToLowerInvariant() : "default (false)";
        return $"{Cpu()}, {Environment.ProcessorCount} cores, load {LoadAverage()}, TieredCompilation={tiered}, GC RetainVM={retain}";
    }

    /// <summary>The 1/5/15-minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    /// <summary>The 1-minute load average as a number (NaN when unknown).</summary>
    public static double Load1() =>
        double.TryParse(LoadAverage().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double l) ? l : double.NaN;

    private static string Cpu()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/cpuinfo");
            string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
            return $"{Field("model name")} (family {Field("cpu family")}, model {Field("model\t")})";
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    /// <summary>CPU seconds used by this process so far (all threads), nanosecond resolution.</summary>
    public static double ProcessCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return Environment.CpuUsage.TotalTime.TotalSeconds;
        ClockGetTime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);
}
