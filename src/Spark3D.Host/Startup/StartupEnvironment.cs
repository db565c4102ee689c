using System.CommandLine;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Startup;

/// <summary>
/// Runs the start-up steps before any command (and before libtorch loads): jemalloc preload for commands that may load
/// libtorch (<see cref="TorchCommands.MayLoadTorch"/>), the oneDNN ISA guard for torch commands. Their changes form one
/// <see cref="EnvironmentPlan"/>; when it changes a start-up variable the process re-executes itself in place once (same PID). Only the spark3d program itself does
/// this: a test host calling Program.Main in-process is never re-executed (its module initializer applied the guard).
/// </summary>
internal static class StartupEnvironment
{
    private static bool hinted;

    /// <summary>Call first in Main. On a re-exec the process image is replaced and this never returns.</summary>
    public static void Prepare(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!OperatingSystem.IsLinux()) return;
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name != "spark3d") return;
        // The self-check child runs in exactly the environment its parent planned for the run.
        if (parse.CommandResult.Command.Name == SelfCheckProcess.CommandName) return;

        var plan = new EnvironmentPlan(IsaGuard.EnvironmentSnapshot());
        if (TorchCommands.MayLoadTorch(parse)) JemallocPreload.AddTo(plan);
        if (TorchCommands.IsGuarded(parse)) IsaGuard.Record(CpuIsaStartup.AddTo(plan, parse));

        if (plan.NeedsReexec)
        {
            string failure = Reexec.HasHappened
                ? $"already re-executed once, {plan.StartupChanges} still differ"
                : Reexec.Run(plan.Environment); // returns only on failure
            string consequence = plan.Changes.ContainsKey("LD_PRELOAD") ? "continuing with the default allocator" : "continuing";
            Hint($"spark3d: hint: cannot re-exec to set {plan.StartupChanges} ({failure}); {consequence}.");
        }
        // Without a re-exec: the decision for child processes (.NET's copy is what they inherit), and a cap through
        // setenv, which oneDNN still sees because libtorch is not loaded yet.
        foreach (var (name, value) in plan.Changes)
        {
            if (name == IsaGuard.MaxCpuIsaVariable) NativeEnvironment.Set(name, value);
            else if (name == IsaGuard.DecisionVariable) Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>Writes one hint line to stderr, once per process.</summary>
    public static void Hint(string line)
    {
        if (hinted) return;
        hinted = true;
        Console.Error.WriteLine(line);
    }
}
