using System.CommandLine;

namespace Spark3D.Host.Commands;

/// <summary>`spark3d config`: prints the resolved configuration (defaults + --config + -D).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var cmd = new Command("config", "Print the fully resolved HOCON configuration.");
        cmd.SetAction(result =>
        {
            Console.WriteLine(Config.Spark3DConfig.Render(GlobalOptions.LoadConfig(result)));
            return 0;
        });
        return cmd;
    }
}
