using System.CommandLine;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Startup;

/// <summary>
/// The oneDNN ISA step of <see cref="StartupEnvironment"/>: decides (<see cref="IsaGuardPolicy"/>), running the
/// self-check in a `spark3d cpu-check` child when needed, and plans ONEDNN_MAX_CPU_ISA=AVX2 as a start-up variable
/// when the CPU is unsafe. This process never loads libtorch before the decision.
/// </summary>
internal static class CpuIsaStartup
{
    /// <summary>Decides for the parsed torch command and adds the cap (and the decision) to <paramref name="plan"/>.</summary>
    public static IsaGuardDecision AddTo(EnvironmentPlan plan, ParseResult parse)
    {
        Func<string, string?> env = plan.Get;
        if (IsaGuard.Inherited(env) is { } inherited) return inherited; // the re-executed image, or a guarded parent's child

        IsaGuardDecision decision;
        string? user = IsaGuard.UserSetting(env);
        var cpu = CpuIdentity.ReadThisMachine();
        try
        {
            var (device, guard) = TorchCommands.Settings(parse);
            int threads = IsaGuard.EffectiveThreads(device.Threads);
            var request = new IsaGuardRequest(cpu, user, guard, device.Mode, threads, LibTorchIdentity.Describe(device.LibTorchPath));
            var checkEnvironment = plan.Environment; // the run's own environment (allocator preload included)
            decision = IsaGuardPolicy.Decide(request, new SelfCheckCache(SelfCheckCache.DefaultDirectory()),
                () => SelfCheckProcess.Run(SelfCheckProcess.StartInfo(ThisProgram(), threads, device.LibTorchPath, checkEnvironment)));
        }
        catch (Exception)
        {
            // An unreadable configuration (bad -D, missing --config file, bad value): the command reads the same
            // configuration and reports the problem itself, so nothing is decided here and start-up must not fail.
            decision = new IsaGuardDecision(cpu?.Describe() ?? "unknown CPU", user, user is null ? IsaGuardSource.Unguarded : IsaGuardSource.User,
                user is null ? "configuration unreadable; not checked" : "set by the user; not checked");
        }
        if (decision.Capped) plan.Set(IsaGuard.MaxCpuIsaVariable, decision.MaxCpuIsa!, startup: true);
        plan.Set(IsaGuard.DecisionVariable, decision.ToJson().ToJsonString(), startup: false);
        return decision;
    }

    // How to start this program again: spark3d.dll through the dotnet host, or the apphost itself.
    private static string ThisProgram()
    {
        string? exe = Environment.ProcessPath;
        string dll = typeof(CpuIsaStartup).Assembly.Location;
        bool viaDotnet = exe is null || Path.GetFileNameWithoutExtension(exe) == "dotnet";
        return viaDotnet && dll.Length > 0 ? dll : exe ?? "spark3d";
    }
}
