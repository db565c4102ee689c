using System.Reflection;
using Akka.Configuration;

namespace Spark3D.Host.Config;

/// <summary>
/// Loads the HOCON configuration: built-in defaults (embedded config/spark3d.conf) &lt; --config FILE &lt; -D path=value.
/// Explicit command-line flags are applied by each command on top of the result.
/// </summary>
public static class Spark3DConfig
{
    /// <summary>The built-in defaults shipped inside the program.</summary>
    public static Akka.Configuration.Config Defaults()
    {
        using var stream = typeof(Spark3DConfig).Assembly.GetManifestResourceStream("spark3d.conf")
            ?? throw new InvalidOperationException("Embedded spark3d.conf is missing from the build.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>
    /// Defaults, then an optional user file, then <c>path=value</c> overrides (later wins). A <c>spark3d.*</c> setting
    /// the defaults do not have is rejected with <see cref="UnknownSettingException"/> (a typo would otherwise be
    /// ignored and the run would silently use the default).
    /// </summary>
    public static Akka.Configuration.Config Load(string? configFile, IEnumerable<string>? overrides)
    {
        var config = Defaults();
        var known = new KnownSettings(config);
        if (!string.IsNullOrEmpty(configFile))
        {
            if (!File.Exists(configFile)) throw new InvalidConfigException($"Config file not found: {configFile}");
            var file = ParseUser(File.ReadAllText(configFile), configFile);
            known.Check(file, $"in {configFile}");
            config = file.WithFallback(config);
        }
        foreach (var o in overrides ?? [])
        {
            int eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"Override '{o}' is not of the form path=value.");
            string path = o[..eq].Trim();
            string value = o[(eq + 1)..].Trim();
            var single = ParseUser($"{path} = {Quote(value)}", $"-D {o}");
            known.Check(single, $"-D {o}");
            config = single.WithFallback(config);
        }
        return config;
    }

    private static Akka.Configuration.Config ParseUser(string text, string source)
    {
        try
        {
            return Actors.Configuration.GuardedHoconParser.Parse(text, source);
        }
        catch (ArgumentException e)
        {
            throw new InvalidConfigException(e.Message, e); // the user's input: Program reports it in one line
        }
    }

    /// <summary>Plain words pass through (numbers, booleans, lists); anything else is quoted as a HOCON string.</summary>
    private static string Quote(string value)
    {
        if (value.Length == 0) return "\"\"";
        if (value.StartsWith('[') || value.StartsWith('{') || value.StartsWith('"')) return value;
        bool plain = value.All(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_');
        return plain ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Settings whose values are secrets: <see cref="Render"/> shows whether they are set, never the value.</summary>
    public static IReadOnlyList<string> SecretSettings { get; } = ["spark3d.cluster.tls.certificate-password"];

    /// <summary>What <see cref="Render"/> writes in place of a secret that is set.</summary>
    public const string Redacted = "<set, not shown>";

    /// <summary>The resolved config as HOCON text (written into run directories as config.conf, and printed by
    /// <c>spark3d config</c>), with every non-empty <see cref="SecretSettings"/> value replaced by <see cref="Redacted"/>.</summary>
    public static string Render(Akka.Configuration.Config config, string path = "spark3d")
    {
        foreach (string secret in SecretSettings)
            if (config.HasPath(secret) && !string.IsNullOrEmpty(config.GetString(secret)))
                config = ConfigurationFactory.ParseString($"{secret} = \"{Redacted}\"").WithFallback(config);
        return path + " " + config.GetConfig(path).Root.ToString(1);
    }

    internal static string Version =>
        typeof(Spark3DConfig).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
}
