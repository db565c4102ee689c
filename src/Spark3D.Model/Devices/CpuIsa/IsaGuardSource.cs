namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>What decided the oneDNN ISA level a process runs under (summary.json's <c>cpu.guard</c>).</summary>
public enum IsaGuardSource
{
    /// <summary>Nothing was decided in this process (a library caller, or a command that never loads torch).</summary>
    Unguarded,
    /// <summary>The user's own ONEDNN_MAX_CPU_ISA: always wins, nothing is checked.</summary>
    User,
    /// <summary>spark3d.model.device.cpu-isa-guard = off.</summary>
    Off,
    /// <summary>No readable /proc/cpuinfo (not Linux): nothing to decide from.</summary>
    UnknownCpu,
    /// <summary>The CPU has no AVX-512, so oneDNN never uses the kernels in question.</summary>
    NoAvx512,
    /// <summary>The CPU is on <see cref="KnownBadCpus"/>: capped without a check.</summary>
    KnownBadCpu,
    /// <summary>device = cuda: training runs on the GPU; the CPU kernels are not checked.</summary>
    CudaDevice,
    /// <summary>libtorch runs one intra-op thread: the failure needs more than one.</summary>
    SingleThread,
    /// <summary>The self-check ran now.</summary>
    SelfCheck,
    /// <summary>A cached self-check result for this CPU model and libtorch.</summary>
    Cached,
    /// <summary>The self-check could not run or crashed: capped, to be safe, and not cached.</summary>
    CheckFailed,
}

/// <summary>Wire names of <see cref="IsaGuardSource"/> (JSON, the decision variable).</summary>
public static class IsaGuardSourceNames
{
    private static readonly (IsaGuardSource Source, string Name)[] Names =
    [
        (IsaGuardSource.Unguarded, "unguarded"), (IsaGuardSource.User, "user"), (IsaGuardSource.Off, "off"),
        (IsaGuardSource.UnknownCpu, "unknown-cpu"), (IsaGuardSource.NoAvx512, "no-avx512"),
        (IsaGuardSource.KnownBadCpu, "known-bad-cpu"), (IsaGuardSource.CudaDevice, "cuda"),
        (IsaGuardSource.SingleThread, "single-thread"), (IsaGuardSource.SelfCheck, "self-check"),
        (IsaGuardSource.Cached, "cached-self-check"), (IsaGuardSource.CheckFailed, "check-failed"),
    ];

    /// <summary>The wire name of <paramref name="source"/>.</summary>
    public static string Name(this IsaGuardSource source) => Names.First(n => n.Source == source).Name;

    /// <summary>The source named <paramref name="name"/>, or null.</summary>
    public static IsaGuardSource? Parse(string? name) =>
        Names.Where(n => n.Name == name).Select(n => (IsaGuardSource?)n.Source).FirstOrDefault();
}
