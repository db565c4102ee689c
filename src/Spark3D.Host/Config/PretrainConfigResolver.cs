using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Spark3D.Host.Config;

/// <summary>The command-line flags of <c>spark3d pretrain</c> (null = not given).</summary>
public sealed record PretrainFlags(string? RunDirectory, string? Data, string? Preset, long? Steps, string? Device, int? Patch, int? Batch);

/// <summary>
/// Resolves the configuration of one <c>spark3d pretrain</c> invocation, as HOCON the mappers then read. Precedence:
/// built-in defaults &lt; demo settings (only without --data, and only where the user left the built-in default) &lt;
/// --config &lt; -D &lt; explicit flags.
/// </summary>
public static class PretrainConfigResolver
{
    /// <summary>The resolved configuration; <paramref name="userConfig"/> is defaults + --config + -D.</summary>
    public static Akka.Configuration.Config Resolve(Akka.Configuration.Config userConfig, PretrainFlags flags)
    {
        var config = userConfig;
        if (IsDemo(flags, config)) config = ApplyDemoDefaults(config);
        var lines = new List<string>();
        if (flags.Preset is { } preset) lines.Add($"spark3d.model.preset = \"{preset}\"");
        if (flags.Steps is { } steps) lines.Add($"spark3d.train.steps = {steps.ToString(CultureInfo.InvariantCulture)}");
        if (flags.Device is { } device)
        {
            _ = DeviceOptionsMapper.ParseMode(device, "--device"); // a bad flag is named as the flag
            lines.Add($"spark3d.model.device.device = \"{device}\"");
        }
        if (flags.Patch is { } patch) lines.Add($"spark3d.data.patch-size = [{patch}, {patch}, {patch}]");
        if (flags.Batch is { } batch) lines.Add($"spark3d.pipeline.batch-size = {batch.ToString(CultureInfo.InvariantCulture)}");
        if (flags.Data is { } data) lines.Add($"spark3d.pretrain.data = \"{Escape(Path.GetFullPath(data))}\"");
        if (flags.RunDirectory is { } run) lines.Add($"spark3d.pretrain.run-directory = \"{Escape(Path.GetFullPath(run))}\"");
        return lines.Count == 0 ? config : ConfigurationFactory.ParseString(string.Join("\n", lines)).WithFallback(config);
    }

    /// <summary>True when no training data was named: the built-in phantom demo.</summary>
    public static bool IsDemo(PretrainFlags flags, Akka.Configuration.Config config) =>
        flags.Data is null && PretrainOptionsMapper.DataFolder(config) is null;

    /// <summary>Replaces built-in defaults by <c>spark3d.pretrain.demo.settings</c> wherever the user kept the default.</summary>
    public static Akka.Configuration.Config ApplyDemoDefaults(Akka.Configuration.Config config)
    {
        var settings = config.GetConfig("spark3d.pretrain.demo.settings");
        if (settings is null || settings.IsEmpty) return config;
        var defaults = Spark3DConfig.Defaults();
        var lines = new List<string>();
        foreach (var (path, value) in Leaves(settings.Root.GetObject(), ""))
        {
            string full = "spark3d." + path;
            // A value the user changed (file, -D) differs from the built-in one and is kept.
            string current = config.HasPath(full) ? config.GetValue(full).ToString() : "";
            string builtIn = defaults.HasPath(full) ? defaults.GetValue(full).ToString() : "";
            if (current == builtIn) lines.Add($"{full} = {value}");
        }
        return lines.Count == 0 ? config : ConfigurationFactory.ParseString(string.Join("\n", lines)).WithFallback(config);
    }

    private static IEnumerable<(string Path, string Value)> Leaves(HoconObject obj, string prefix)
    {
        foreach (var (key, value) in obj.Items)
        {
            string path = prefix.Length == 0 ? key : prefix + "." + key;
            if (value.IsObject())
            {
                foreach (var leaf in Leaves(value.GetObject(), path)) yield return leaf;
            }
            else
            {
                yield return (path, value.ToString());
            }
        }
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
