namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>Everything <see cref="IsaGuardPolicy.Decide"/> looks at.</summary>
/// <param name="Cpu">This machine's CPU; null when unknown (no /proc/cpuinfo).</param>
/// <param name="UserMaxCpuIsa">The user's own ONEDNN_MAX_CPU_ISA, if set.</param>
/// <param name="Mode">The cpu-isa-guard setting.</param>
/// <param name="Device">The requested device.</param>
/// <param name="Threads">Intra-op threads the run will use (<see cref="IsaGuard.EffectiveThreads"/>).</param>
/// <param name="LibTorch">Which libtorch build (<see cref="LibTorchIdentity.Describe"/>).</param>
public sealed record IsaGuardRequest(CpuIdentity? Cpu, string? UserMaxCpuIsa, IsaGuardMode Mode, DeviceMode Device, int Threads, string LibTorch);

/// <summary>What running the self-check gave: a result, or why there is none (could not start, crashed, timed out).</summary>
public sealed record SelfCheckOutcome(SelfCheckResult? Result, string? Error)
{
    /// <summary>A failed run.</summary>
    public static SelfCheckOutcome Failed(string error) => new(null, error);
}
