using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Spark3D.Host.Startup;

/// <summary>
/// Hidden `spark3d startup-report`: prints, as one JSON object, what the process sees about its allocator start-up
/// (PID, the PID before the jemalloc re-exec, whether jemalloc is mapped, LD_PRELOAD, MALLOC_CONF). Used by tests and
/// for support questions.
/// </summary>
internal static class StartupReportCommand
{
    public static Command Create()
    {
        var cmd = new Command("startup-report", "Print allocator start-up facts as JSON (diagnostic).") { Hidden = true };
        cmd.SetAction(_ =>
        {
            var from = Environment.GetEnvironmentVariable(JemallocPreload.ReexecGuardVariable);
            var report = new Dictionary<string, object?>
            {
                ["pid"] = Environment.ProcessId,
                ["reexecFromPid"] = from is null ? null : int.Parse(from, CultureInfo.InvariantCulture),
                ["jemallocMapped"] = JemallocPreload.IsJemallocMapped(),
                ["ldPreload"] = Environment.GetEnvironmentVariable("LD_PRELOAD"),
                ["mallocConf"] = Environment.GetEnvironmentVariable("MALLOC_CONF"),
                ["exe"] = Environment.ProcessPath,
            };
            Console.WriteLine(JsonSerializer.Serialize(report));
            return 0;
        });
        return cmd;
    }
}
