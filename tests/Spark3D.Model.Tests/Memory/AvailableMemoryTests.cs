using Spark3D.Model.Memory;

namespace Spark3D.Model.Tests.Memory;

/// <summary>Reading what is available: /proc/meminfo, /proc/self/status, cgroup v1/v2 limits, nvidia-smi output.</summary>
public sealed class AvailableMemoryTests
{
    [Fact]
    public void Meminfo_and_status_are_read_in_kib()
    {
        Assert.Equal(23_456_789L * 1024, HostMemory.MemInfoAvailable("MemTotal:       24683832 kB\nMemFree:        12000000 kB\nMemAvailable:   23456789 kB\n"));
        Assert.Equal(409_600L * 1024, HostMemory.OwnResident("Name:\tdotnet\nVmHWM:\t  500000 kB\nVmRSS:\t  409600 kB\n"));
        Assert.Null(HostMemory.MemInfoAvailable("MemTotal: 1 kB\n"));
    }

    [Fact]
    public void A_cgroup_limit_counts_when_it_is_tighter_and_reclaimable_cache_is_not_used_memory()
    {
        long gib = 1L << 30;
        Assert.Null(HostMemory.CgroupRoom("max\n", "123", "", "inactive_file"));
        Assert.Equal(6 * gib, HostMemory.CgroupRoom($"{8 * gib}\n", $"{3 * gib}", $"anon 5\ninactive_file {1 * gib}\n", "inactive_file"));
        Assert.Equal(0, HostMemory.CgroupRoom($"{gib}", $"{2 * gib}", "", "total_inactive_file"));
        Assert.Null(HostMemory.CgroupRoom("9223372036854771712", "1", "", "total_inactive_file")); // v1 "unlimited"

        var (bytes, source) = HostMemory.Combine(20 * gib, 6 * gib, gib / 2);
        Assert.Equal(6 * gib + gib / 2, bytes);
        Assert.StartsWith("the cgroup memory limit's free room 6.0 GiB", source, StringComparison.Ordinal);
        (bytes, source) = HostMemory.Combine(20 * gib, null, 0);
        Assert.Equal(20 * gib, bytes);
        Assert.StartsWith("MemAvailable 20.0 GiB", source, StringComparison.Ordinal);
        Assert.Null(HostMemory.Combine(null, null, 5).Bytes);
    }

    [Fact]
    public void This_machine_reports_some_available_memory()
    {
        var (bytes, source) = HostMemory.Read();
        Assert.True(bytes > 0, source);
    }

    [Fact]
    public void Nvidia_smi_output_and_cuda_visible_devices_are_understood()
    {
        Assert.Equal(81_000, GpuMemory.ParseFreeMib("81000\n"));
        Assert.Null(GpuMemory.ParseFreeMib("[N/A]\n"));
        Assert.Equal("0", GpuMemory.FirstVisibleGpu(null));
        Assert.Equal("2", GpuMemory.FirstVisibleGpu("2,3"));
        Assert.Equal("GPU-8f6c", GpuMemory.FirstVisibleGpu(" GPU-8f6c , GPU-1"));
    }
}
