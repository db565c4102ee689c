using System.CommandLine;
using Spark3D.Host.Commands;
using Spark3D.Host.Startup;

namespace Spark3D.Host;

public static class Program
{
    public static int Main(string[] args)
    {
        JemallocPreload.EnsurePreloaded(); // may re-exec this process in place under jemalloc (same PID)
        var root = new RootCommand("Spark3D.NET: MAE pre-training of 3D CNNs on medical images, and fine-tuning for segmentation.");
        root.Options.Add(GlobalOptions.ConfigFile);
        root.Options.Add(GlobalOptions.Define);
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is Config.UnknownSettingException or Config.InvalidConfigException)
        {
            // A bad --config / -D is the user's input, not a crash: one line, exit 2 (as for other bad arguments).
            Console.Error.WriteLine("spark3d: " + e.Message);
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("Unhandled exception: " + e);
            return 1;
        }
    }
}
