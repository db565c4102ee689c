using System.Globalization;

namespace Spark3D.Model.Memory;

/// <summary>Host memory from /proc/meminfo, /proc/self/status and the cgroup (v2, else v1) memory limit.</summary>
public static class HostMemory
{
    /// <summary>The process's possible peak (see <see cref="MemoryAvailability.HostBytes"/>) and its source.</summary>
    public static (long? Bytes, string Source) Read()
    {
        long? memAvailable = Try(() => MemInfoAvailable(File.ReadAllText("/proc/meminfo")));
        long own = Try(() => OwnResident(File.ReadAllText("/proc/self/status"))) ?? 0;
        long? cgroupFree = Try(CgroupFree);
        return Combine(memAvailable, cgroupFree, own);
    }

    /// <summary>min(MemAvailable, cgroup room) + the process's own resident memory; the source names what limited it.</summary>
    public static (long? Bytes, string Source) Combine(long? memAvailable, long? cgroupFree, long ownResident)
    {
        if (memAvailable is null && cgroupFree is null) return (null, "neither /proc/meminfo nor a cgroup limit could be read");
        bool cgroupLimits = cgroupFree is { } c && (memAvailable is null || c < memAvailable);
        long free = cgroupLimits ? cgroupFree!.Value : memAvailable!.Value;
        string what = cgroupLimits ? "the cgroup memory limit's free room" : "MemAvailable";
        return (free + ownResident, $"{what} {MemoryEstimate.Format(free)} + {MemoryEstimate.Format(ownResident)} this process holds");
    }

    /// <summary>MemAvailable of /proc/meminfo, in bytes.</summary>
    public static long? MemInfoAvailable(string meminfo) => KibField(meminfo, "MemAvailable:");

    /// <summary>VmRSS of /proc/self/status, in bytes.</summary>
    public static long? OwnResident(string status) => KibField(status, "VmRSS:");

    /// <summary>Free room under a cgroup limit: limit − (usage − inactive file cache); null when unlimited.</summary>
    public static long? CgroupRoom(string limit, string usage, string stat, string inactiveKey)
    {
        limit = limit.Trim();
        if (limit == "max" || !long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out long max) || max >= 1L << 60) return null;
        long used = long.Parse(usage.Trim(), CultureInfo.InvariantCulture);
        long inactive = 0;
        foreach (var line in stat.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == inactiveKey) inactive = long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return Math.Max(0, max - Math.Max(0, used - inactive));
    }

    private static long? CgroupFree()
    {
        const string v2 = "/sys/fs/cgroup/", v1 = "/sys/fs/cgroup/memory/";
        if (File.Exists(v2 + "memory.max"))
            return CgroupRoom(File.ReadAllText(v2 + "memory.max"), File.ReadAllText(v2 + "memory.current"), ReadOrEmpty(v2 + "memory.stat"), "inactive_file");
        if (File.Exists(v1 + "memory.limit_in_bytes"))
            return CgroupRoom(File.ReadAllText(v1 + "memory.limit_in_bytes"), File.ReadAllText(v1 + "memory.usage_in_bytes"), ReadOrEmpty(v1 + "memory.stat"), "total_inactive_file");
        return null;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    private static long? KibField(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var parts = line[key.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
        }
        return null;
    }

    private static long? Try(Func<long?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}

