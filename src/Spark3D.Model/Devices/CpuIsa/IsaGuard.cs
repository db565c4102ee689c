using System.Collections;
using System.Globalization;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// The oneDNN ISA guard of this process: its decision (<see cref="Current"/>), the variables that carry it, and the
/// in-process way to apply it for hosts that run torch without spark3d's start-up (test hosts). See docs/cpu-numerics.md.
/// </summary>
public static class IsaGuard
{
    /// <summary>oneDNN's own variable: the highest ISA its kernels may use.</summary>
    public const string MaxCpuIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The level a cap sets.</summary>
    public const string CappedIsa = "AVX2";

    /// <summary>Carries the decision (JSON) into the re-executed process and child processes, so they neither decide
    /// again nor mistake the cap for the user's own setting.</summary>
    public const string DecisionVariable = "SPARK3D_CPU_ISA_DECISION";

    private static IsaGuardDecision? recorded;

    /// <summary>The decision this process runs under: the recorded one, else what the environment says
    /// (the user's ONEDNN_MAX_CPU_ISA, or unguarded).</summary>
    public static IsaGuardDecision Current => recorded ?? Inherited(Environment.GetEnvironmentVariable) ?? Unrecorded();

    /// <summary>Records <paramref name="decision"/> as this process's.</summary>
    public static void Record(IsaGuardDecision decision) => recorded = decision ?? throw new ArgumentNullException(nameof(decision));

    /// <summary>The decision a parent handed down in <see cref="DecisionVariable"/>, if ONEDNN_MAX_CPU_ISA still
    /// matches it (a user who changed the variable since has the last word).</summary>
    public static IsaGuardDecision? Inherited(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var d = IsaGuardDecision.FromJson(environment(DecisionVariable));
        string? isa = environment(MaxCpuIsaVariable) is { Length: > 0 } v ? v : null;
        return d is not null && d.MaxCpuIsa == isa ? d : null;
    }

    /// <summary>The user's ONEDNN_MAX_CPU_ISA: set, and not one handed down by our own decision.</summary>
    public static string? UserSetting(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(MaxCpuIsaVariable) is { Length: > 0 } v && Inherited(environment) is null ? v : null;
    }

    /// <summary>The intra-op thread count libtorch will use: <paramref name="configured"/> when positive, else
    /// OMP_NUM_THREADS, else the CPUs this process may run on.</summary>
    public static int EffectiveThreads(int configured)
    {
        if (configured > 0) return configured;
        return int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int omp) && omp > 0
            ? omp
            : Environment.ProcessorCount;
    }

    /// <summary>This process's environment as a dictionary (the .NET copy).</summary>
    public static Dictionary<string, string> EnvironmentSnapshot()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry kv in Environment.GetEnvironmentVariables()) env[(string)kv.Key] = (string?)kv.Value ?? "";
        return env;
    }

    /// <summary>
    /// Decides for a process that runs torch in-process on the CPU with default threads and the bundled libtorch, and
    /// applies the decision with setenv. Must run before the first torch op. <paramref name="checkProgram"/> is
    /// spark3d.dll for the self-check child; without one, a CPU that would need the check is capped.
    /// </summary>
    public static IsaGuardDecision ApplyInProcess(string? checkProgram)
    {
        var decision = Inherited(Environment.GetEnvironmentVariable);
        if (decision is null)
        {
            int threads = EffectiveThreads(0);
            var request = new IsaGuardRequest(CpuIdentity.ReadThisMachine(), UserSetting(Environment.GetEnvironmentVariable),
                IsaGuardMode.Auto, DeviceMode.Cpu, threads, LibTorchIdentity.Describe(null));
            decision = IsaGuardPolicy.Decide(request, new SelfCheckCache(SelfCheckCache.DefaultDirectory()), () =>
                checkProgram is null || !File.Exists(checkProgram)
                    ? SelfCheckOutcome.Failed("spark3d.dll not found to run the check in")
                    : SelfCheckProcess.Run(SelfCheckProcess.StartInfo(checkProgram, threads, null, EnvironmentSnapshot())));
            if (decision.Capped) NativeEnvironment.Set(MaxCpuIsaVariable, decision.MaxCpuIsa!);
            NativeEnvironment.Set(DecisionVariable, decision.ToJson().ToJsonString());
        }
        Record(decision);
        return decision;
    }

    private static IsaGuardDecision Unrecorded()
    {
        string? user = UserSetting(Environment.GetEnvironmentVariable);
        return user is not null
            ? new IsaGuardDecision(CpuIdentity.ReadThisMachine()?.Describe() ?? "unknown CPU", user, IsaGuardSource.User, "set by the user; not checked")
            : new IsaGuardDecision(CpuIdentity.ReadThisMachine()?.Describe() ?? "unknown CPU", null, IsaGuardSource.Unguarded, "no guard ran in this process");
    }
}
