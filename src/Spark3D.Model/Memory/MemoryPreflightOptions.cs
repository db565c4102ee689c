namespace Spark3D.Model.Memory;

/// <summary>What the preflight does when a run does not fit.</summary>
public enum PreflightMode
{
    /// <summary>Refuse the run (exit 2) with the estimate, what is available and configurations that fit.</summary>
    On,
    /// <summary>Print the same message as a warning and run anyway.</summary>
    Warn,
    /// <summary>No estimate, no check.</summary>
    Off,
}

/// <summary>HOCON <c>spark3d.model.device.memory-*</c>.</summary>
/// <param name="Mode">on | warn | off.</param>
/// <param name="Headroom">Fraction of the available memory kept free.</param>
/// <param name="AvailableBytes">Use this instead of measuring (host memory on CPU, GPU memory on CUDA); null = measure.</param>
public sealed record MemoryPreflightOptions(PreflightMode Mode = PreflightMode.On, double Headroom = 0.1, long? AvailableBytes = null)
{
    /// <summary>The measured availability, or the configured figure in its place.</summary>
    public MemoryAvailability Availability(bool cuda)
    {
        if (AvailableBytes is not { } bytes) return MemoryAvailability.Measure(cuda);
        const string source = "spark3d.model.device.memory-available";
        return cuda
            ? MemoryAvailability.Measure(cuda) with { GpuBytes = bytes, GpuSource = source }
            : new MemoryAvailability(bytes, source);
    }
}
