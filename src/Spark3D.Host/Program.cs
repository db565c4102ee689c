using System.CommandLine;
using Spark3D.Host.Commands;
using Spark3D.Host.Startup;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host;

public static class Program
{
    public static int Main(string[] args)
    {
        var parse = Root().Parse(args);
        if (parse.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            // An unknown flag, a missing required option, a value of the wrong type: System.CommandLine prints the
            // errors and the usage; the exit code is 2 like every other bad input (its own default would be 1).
            parse.Invoke();
            return ExitCodes.BadInput;
        }
        // Before anything loads libtorch: may re-exec this process in place (same PID) under jemalloc and/or with
        // oneDNN capped at AVX2 on CPUs where its AVX-512 kernels give wrong results (docs/cpu-numerics.md).
        StartupEnvironment.Prepare(parse);
        if (TorchCommands.IsGuarded(parse)) Console.Out.WriteLine(IsaGuard.Current.Line());
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is Config.UnknownSettingException or Config.InvalidConfigException)
        {
            // A bad --config / -D is the user's input, not a crash: one line, exit 2 (as for other bad arguments).
            Console.Error.WriteLine("spark3d: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("Unhandled exception: " + e);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand Root()
    {
        var root = new RootCommand("Spark3D.NET: MAE pre-training of 3D CNNs on medical images, and fine-tuning for segmentation.");
        root.Options.Add(GlobalOptions.ConfigFile);
        root.Options.Add(GlobalOptions.Define);
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.Quiet);
        root.Validators.Add(GlobalOptions.ValidateLogLevel);
        foreach (var command in CommandCatalog.All())
        {
            command.Validators.Add(GlobalOptions.ValidateLogLevel);
            root.Subcommands.Add(command);
        }
        return root;
    }
}
