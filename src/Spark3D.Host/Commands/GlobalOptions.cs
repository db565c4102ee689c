using System.CommandLine;

namespace Spark3D.Host.Commands;

/// <summary>Options every command understands: --config FILE and -D path=value (repeatable).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "HOCON file layered over the built-in defaults.",
        Recursive = true,
    };

    public static readonly Option<string[]> Define = new("--define", "-D")
    {
        Description = "Override one config value: -D spark3d.train.steps=100 (repeatable).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The configuration for this invocation (defaults &lt; --config &lt; -D).</summary>
    public static Akka.Configuration.Config LoadConfig(ParseResult result) =>
        Config.Spark3DConfig.Load(result.GetValue(ConfigFile), result.GetValue(Define));
}
