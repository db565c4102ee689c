namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// CPUs on which libtorch 2.10's oneDNN AVX-512 kernels are known to give wrong (NaN) conv3d gradients with more than
/// one thread, so the cap applies without a self-check: the failure is intermittent, and a check that happened to pass
/// would be cached and trusted. See docs/cpu-numerics.md.
/// </summary>
public static class KnownBadCpus
{
    /// <summary>Why <paramref name="cpu"/> is known-bad, or null when it is not on the list.</summary>
    public static string? Reason(CpuIdentity cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        // AMD family 26 (0x1A) is Zen 5. Seen on a 2-core EPYC: intermittent NaN gradients in conv3d training steps with
        // 2 threads at every AVX-512 oneDNN ISA level, none with ONEDNN_MAX_CPU_ISA=AVX2 or 1 thread (issue 10).
        if (cpu.Vendor == "AuthenticAMD" && cpu.Family == 26) return "known-bad CPU: AMD family 26 (Zen 5)";
        return null;
    }
}
