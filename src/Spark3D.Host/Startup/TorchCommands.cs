using System.CommandLine;
using Spark3D.Host.Commands;
using Spark3D.Host.Config;
using Spark3D.Model.Devices;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Startup;

/// <summary>
/// The commands that compute with libtorch (train or infer), and so run under the oneDNN ISA guard. The others never
/// load torch (or only build a network, `model`) and start without it, fast.
/// </summary>
internal static class TorchCommands
{
    private static readonly HashSet<string> Guarded = new(StringComparer.Ordinal) { "pretrain", "finetune", "predict" };

    /// <summary>Commands that never load libtorch (pure C# voxel work and files). They start without the jemalloc re-exec,
    /// which only speeds up libtorch's tensor allocations and costs a second runtime start (~0.1 s idle, ~0.4 s under load,
    /// a third of `spark3d preprocess`'s wall time on small inputs).</summary>
    private static readonly HashSet<string> Torchless = new(StringComparer.Ordinal) { "config", "info", "evaluate", "phantoms", "preprocess" };

    /// <summary>The hidden `startup-report` flag that makes it plan the guard as a torch command would (tests, support).</summary>
    public const string PlanFlag = "--plan-cpu-isa";

    /// <summary>Whether the parsed command runs under the guard.</summary>
    public static bool IsGuarded(ParseResult parse)
    {
        if (PrintsUsageOnly(parse)) return false;
        var command = parse.CommandResult.Command;
        if (Guarded.Contains(command.Name)) return true;
        return command.Name == StartupReportCommand.Name && command.Options.FirstOrDefault(o => o.Name == PlanFlag) is Option<bool> plan && parse.GetValue(plan);
    }

    /// <summary>Whether the parsed command may load libtorch, and so wants jemalloc preloaded (every command but the
    /// torchless ones; usage text and parse errors load nothing).</summary>
    public static bool MayLoadTorch(ParseResult parse)
    {
        return !PrintsUsageOnly(parse) && !Torchless.Contains(parse.CommandResult.Command.Name);
    }

    /// <summary>Help or a parse error: the command prints usage text and runs nothing.</summary>
    private static bool PrintsUsageOnly(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.Errors.Count > 0 || parse.Action is System.CommandLine.Help.HelpAction;
    }

    /// <summary>The device settings the command will use: the configuration (--config, -D) plus pretrain's --device flag.</summary>
    /// <exception cref="Exception">The configuration cannot be read; the command itself will report it.</exception>
    public static (DeviceOptions Device, IsaGuardMode Guard) Settings(ParseResult parse)
    {
        var config = GlobalOptions.LoadConfig(parse);
        var device = DeviceOptionsMapper.Device(config);
        if (parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--device") is Option<string?> flag && parse.GetValue(flag) is { } mode)
            device = device with { Mode = DeviceOptionsMapper.ParseMode(mode, "--device") };
        return (device, DeviceOptionsMapper.CpuIsaGuard(config));
    }
}
