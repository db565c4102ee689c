using System.CommandLine;
using Spark3D.Model.Devices;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Startup;

/// <summary>
/// Hidden `spark3d cpu-check --threads N [--libtorch-path DIR] [--budget-ms MS]`: the oneDNN self-check
/// (<see cref="ConvNumericsSelfCheck"/>), run in a child process by the start-up guard; prints one JSON line. Exit 0
/// whenever the comparison ran (the verdict is in the JSON), 1 when it could not.
/// </summary>
internal static class CpuCheckCommand
{
    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "Intra-op threads of the multi-threaded side.", DefaultValueFactory = _ => 2 };
        var libtorch = new Option<string?>("--libtorch-path") { Description = "Load this libtorch folder first (as the run will)." };
        var budget = new Option<int>("--budget-ms") { Description = "Time to spend repeating the comparison.", DefaultValueFactory = _ => (int)SelfCheckProcess.Budget.TotalMilliseconds };
        var cmd = new Command(SelfCheckProcess.CommandName, "Compare multi-threaded conv3d results with single-threaded ones (diagnostic).")
        {
            threads, libtorch, budget,
        };
        cmd.Hidden = true;
        cmd.SetAction(r =>
        {
            try
            {
                if (r.GetValue(libtorch) is { Length: > 0 } path) LibTorchPreloader.Load(path);
                var result = ConvNumericsSelfCheck.Run(Math.Max(2, r.GetValue(threads)), TimeSpan.FromMilliseconds(r.GetValue(budget)));
                Console.WriteLine(result.ToJson());
                return 0;
            }
            catch (Exception e) when (e is DeviceUnavailableException or ArgumentException or InvalidOperationException or DllNotFoundException)
            {
                Console.Error.WriteLine($"spark3d {SelfCheckProcess.CommandName}: {e.Message.ReplaceLineEndings(" ")}");
                return Commands.ExitCodes.BadInput;
            }
        });
        return cmd;
    }
}
