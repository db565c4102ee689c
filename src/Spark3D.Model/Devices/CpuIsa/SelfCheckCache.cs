using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// Self-check results kept per CPU model, libtorch build and thread count, one small JSON file each
/// (<c>cpu-check-HASH.json</c> under $XDG_CACHE_HOME/spark3d or ~/.cache/spark3d), so the check runs once per machine
/// type rather than at every start. A missing, torn or foreign file is simply not used (and is rewritten).
/// </summary>
public sealed class SelfCheckCache
{
    /// <summary>A cache that remembers nothing (no cache folder can be found).</summary>
    public static SelfCheckCache None { get; } = new(null);

    /// <summary>Creates a cache in <paramref name="directory"/> (created on first write); null: no caching.</summary>
    public SelfCheckCache(string? directory) => Directory = directory;

    /// <summary>The cache folder, or null.</summary>
    public string? Directory { get; }

    /// <summary>$XDG_CACHE_HOME/spark3d, else $HOME/.cache/spark3d; null when neither variable is set.</summary>
    public static string? DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "spark3d");
        if (Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home) return Path.Combine(home, ".cache", "spark3d");
        return null;
    }

    /// <summary>What a result is valid for, as one readable line (also stored in the file).</summary>
    public static string Key(CpuIdentity cpu, string libTorch, int threads)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu.Vendor}|family {cpu.Family}|model {cpu.Model}|stepping {cpu.Stepping}|{cpu.Name}|flags {cpu.FlagsHash()}|{libTorch}|threads {threads}|check v{ConvNumericsSelfCheck.Version}");
    }

    /// <summary>The file for <paramref name="key"/>; null without a cache folder.</summary>
    public string? PathFor(string key) =>
        Directory is null ? null : Path.Combine(Directory, "cpu-check-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16] + ".json");

    /// <summary>The stored result for <paramref name="key"/>; null when there is none or the file is unusable.</summary>
    public SelfCheckResult? TryRead(string key)
    {
        var path = PathFor(key);
        if (path is null || !File.Exists(path)) return null;
        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (o?["key"]?.GetValue<string>() != key) return null; // another CPU's file under a colliding name, or edited
            var result = SelfCheckResult.FromJson(o["result"]?.ToJsonString());
            return result?.CheckVersion == ConvNumericsSelfCheck.Version ? result : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="result"/> (temp file + rename); returns null, or why it could not be written.</summary>
    public string? Write(string key, SelfCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var path = PathFor(key);
        if (path is null) return "no cache folder ($XDG_CACHE_HOME and $HOME unset)";
        try
        {
            System.IO.Directory.CreateDirectory(Directory!);
            var o = new JsonObject
            {
                ["key"] = key,
                ["written"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["result"] = JsonNode.Parse(result.ToJson()),
            };
            string temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, o.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }) + "\n");
            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
