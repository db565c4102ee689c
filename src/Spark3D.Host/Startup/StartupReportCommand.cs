using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Startup;

/// <summary>
/// Hidden `spark3d startup-report [--plan-cpu-isa]`: prints, as one JSON object, what the process sees about its
/// start-up (PID, the PID before the re-exec, whether jemalloc is mapped, LD_PRELOAD, MALLOC_CONF, ONEDNN_MAX_CPU_ISA
/// and the ISA guard's decision). With --plan-cpu-isa the start-up plans the ISA guard as for a torch command. Used
/// by tests and for support questions.
/// </summary>
internal static class StartupReportCommand
{
    public const string Name = "startup-report";

    public static Command Create()
    {
        var plan = new Option<bool>(TorchCommands.PlanFlag) { Description = "Plan the oneDNN ISA guard as pretrain would." };
        var cmd = new Command(Name, "Print start-up facts as JSON (diagnostic).") { plan };
        cmd.Hidden = true;
        cmd.SetAction(_ =>
        {
            var from = Environment.GetEnvironmentVariable(Reexec.GuardVariable);
            var report = new JsonObject
            {
                ["pid"] = Environment.ProcessId,
                ["reexecFromPid"] = from is null ? null : int.Parse(from, CultureInfo.InvariantCulture),
                ["jemallocMapped"] = JemallocPreload.IsJemallocMapped(),
                ["ldPreload"] = Environment.GetEnvironmentVariable("LD_PRELOAD"),
                ["mallocConf"] = Environment.GetEnvironmentVariable("MALLOC_CONF"),
                ["oneDnnMaxCpuIsa"] = Environment.GetEnvironmentVariable(IsaGuard.MaxCpuIsaVariable),
                ["cpuIsa"] = IsaGuard.Current.ToJson(),
                ["exe"] = Environment.ProcessPath,
            };
            Console.WriteLine(report.ToJsonString(new JsonSerializerOptions()));
            return 0;
        });
        return cmd;
    }
}
