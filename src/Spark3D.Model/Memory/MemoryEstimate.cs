namespace Spark3D.Model.Memory;

/// <summary>
/// Estimated peak memory of a run, by where it lives. On CPU everything is host memory; on CUDA the parameters,
/// optimiser state and activations are GPU memory and the host keeps the runtime and checkpoint buffers.
/// </summary>
/// <param name="HostBytes">Peak resident memory of the process (VmHWM).</param>
/// <param name="GpuBytes">Peak GPU memory; null on CPU.</param>
/// <param name="ActivationBytes">The part that scales with patch × batch (where it lives: GPU on CUDA, else host).</param>
/// <param name="ParameterBytes">The part that scales with the parameter count (weights, gradients, optimiser state,
/// checkpoint buffers), summed over host and GPU.</param>
public sealed record MemoryEstimate(long HostBytes, long? GpuBytes, long ActivationBytes, long ParameterBytes)
{
    /// <summary>Bytes as "35.9 GiB" / "812 MiB".</summary>
    public static string Format(long bytes) =>
        bytes >= 1L << 30
            ? (bytes / (double)(1L << 30)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " GiB"
            : (bytes / (double)(1L << 20)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " MiB";
}
