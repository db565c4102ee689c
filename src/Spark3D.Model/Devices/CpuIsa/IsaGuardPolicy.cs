using System.Globalization;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// Decides whether oneDNN must be capped at AVX2 before libtorch loads. In order: the user's ONEDNN_MAX_CPU_ISA wins;
/// the setting can turn the guard off; a CPU without AVX-512 has nothing to cap; a known-bad CPU is capped without a
/// check; a CUDA run or a single-threaded one is left alone; otherwise a cached self-check result for this CPU model
/// and libtorch is used, or the self-check runs now and is cached. A self-check that cannot run caps (and is not cached).
/// </summary>
public static class IsaGuardPolicy
{
    /// <summary>The decision for <paramref name="r"/>; <paramref name="runCheck"/> is called only when nothing else decides.</summary>
    public static IsaGuardDecision Decide(IsaGuardRequest r, SelfCheckCache cache, Func<SelfCheckOutcome> runCheck)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(runCheck);
        string cpu = r.Cpu?.Describe() ?? "unknown CPU";
        if (!string.IsNullOrEmpty(r.UserMaxCpuIsa))
            return new IsaGuardDecision(cpu, r.UserMaxCpuIsa, IsaGuardSource.User, "set by the user; not checked");
        if (r.Mode == IsaGuardMode.Off)
            return new IsaGuardDecision(cpu, null, IsaGuardSource.Off, "spark3d.model.device.cpu-isa-guard = off");
        if (r.Cpu is null)
            return new IsaGuardDecision(cpu, null, IsaGuardSource.UnknownCpu, "no /proc/cpuinfo to identify the CPU");
        if (!r.Cpu.HasAvx512)
            return new IsaGuardDecision(cpu, null, IsaGuardSource.NoAvx512, "no AVX-512: nothing to cap");
        if (KnownBadCpus.Reason(r.Cpu) is { } bad)
            return Capped(cpu, IsaGuardSource.KnownBadCpu, bad);
        if (r.Device == DeviceMode.Cuda)
            return new IsaGuardDecision(cpu, null, IsaGuardSource.CudaDevice, "device cuda: CPU kernels not checked");
        if (r.Threads <= 1)
            return new IsaGuardDecision(cpu, null, IsaGuardSource.SingleThread, "1 intra-op thread: the failure needs more");

        string key = SelfCheckCache.Key(r.Cpu, r.LibTorch, r.Threads);
        if (cache.TryRead(key) is { } cached) return FromResult(cpu, cached, IsaGuardSource.Cached, "cached self-check");

        var outcome = runCheck();
        if (outcome.Result is not { } result)
            return Capped(cpu, IsaGuardSource.CheckFailed, "self-check could not run: " + (outcome.Error ?? "no result"));
        cache.Write(key, result); // best effort: an unwritable cache only means the check runs again next time
        return FromResult(cpu, result, IsaGuardSource.SelfCheck, "self-check");
    }

    private static IsaGuardDecision FromResult(string cpu, SelfCheckResult r, IsaGuardSource source, string what)
    {
        if (!r.Safe) return Capped(cpu, source, $"{what} failed: {r.FirstProblem() ?? "no ops compared"}");
        int ops = r.Parts.Select(p => p.Op).Distinct().Count();
        return new IsaGuardDecision(cpu, null, source, string.Create(CultureInfo.InvariantCulture,
            $"{what} passed: {ops} conv3d ops x {r.Rounds} rounds at {r.Threads} threads matched 1 thread, {r.Seconds:0.00} s"));
    }

    private static IsaGuardDecision Capped(string cpu, IsaGuardSource source, string reason) =>
        new(cpu, IsaGuard.CappedIsa, source, reason);
}
