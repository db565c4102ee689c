namespace Spark3D.Model.Memory;

/// <summary>How much memory a run may use at its peak, and where the figure came from.</summary>
/// <param name="HostBytes">The most this process's resident memory can grow to: MemAvailable (or the cgroup's free
/// room, whichever is smaller) plus what the process already holds. Null when it could not be read.</param>
/// <param name="HostSource">How <paramref name="HostBytes"/> was found, for the message.</param>
/// <param name="GpuBytes">Free memory of the GPU in use; null on CPU or when it could not be read.</param>
/// <param name="GpuSource">How <paramref name="GpuBytes"/> was found (or why not).</param>
public sealed record MemoryAvailability(long? HostBytes, string HostSource, long? GpuBytes = null, string GpuSource = "")
{
    /// <summary>Reads the host figure from /proc and the cgroup, and on CUDA the GPU's free memory from nvidia-smi.</summary>
    public static MemoryAvailability Measure(bool cuda)
    {
        var (host, hostSource) = HostMemory.Read();
        if (!cuda) return new MemoryAvailability(host, hostSource);
        var (gpu, gpuSource) = GpuMemory.ReadFree();
        return new MemoryAvailability(host, hostSource, gpu, gpuSource);
    }
}

