using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// The processor as /proc/cpuinfo describes its first logical CPU: enough to tell CPU models apart (vendor, family,
/// model, stepping, brand string, feature flags) without loading libtorch.
/// </summary>
/// <param name="Vendor">vendor_id, e.g. AuthenticAMD or GenuineIntel; empty when absent (non-x86).</param>
/// <param name="Family">"cpu family" (decimal, as the kernel prints it; AMD Zen 4 = 25, Zen 5 = 26).</param>
/// <param name="Model">"model".</param>
/// <param name="Stepping">"stepping".</param>
/// <param name="Name">"model name", e.g. "AMD EPYC 9555 64-Core Processor".</param>
/// <param name="Flags">The feature flags (avx512f, avx512_bf16, …).</param>
public sealed record CpuIdentity(string Vendor, int Family, int Model, int Stepping, string Name, IReadOnlySet<string> Flags)
{
    /// <summary>Set to a file to read it instead of /proc/cpuinfo (tests of the known-bad rule; support questions).</summary>
    public const string CpuInfoFileVariable = "SPARK3D_CPUINFO";

    /// <summary>Whether oneDNN can use AVX-512 kernels here at all (it needs at least AVX-512 F).</summary>
    public bool HasAvx512 => Flags.Contains("avx512f");

    /// <summary>Short human form: <c>AMD EPYC 9555 64-Core Processor (family 26 model 2)</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Name} (family {Family} model {Model})");

    /// <summary>SHA-256 of the sorted flags, 16 hex digits: the same model name can come with different features
    /// (a hypervisor may hide AVX-512), so the flags are part of what identifies a CPU for the check cache.</summary>
    public string FlagsHash()
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(' ', Flags.Order(StringComparer.Ordinal))));
        return Convert.ToHexStringLower(bytes)[..16];
    }

    /// <summary>This machine's CPU (or the file named by <see cref="CpuInfoFileVariable"/>); null when there is no
    /// readable cpuinfo (not Linux).</summary>
    public static CpuIdentity? ReadThisMachine()
    {
        string path = Environment.GetEnvironmentVariable(CpuInfoFileVariable) is { Length: > 0 } custom ? custom : "/proc/cpuinfo";
        try
        {
            return File.Exists(path) ? Parse(File.ReadLines(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses the first processor block of /proc/cpuinfo text; missing fields become empty / -1.</summary>
    public static CpuIdentity Parse(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0) break; // end of the first processor block
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        int Int(string key) => fields.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : -1;
        string Text(string key) => fields.TryGetValue(key, out var v) ? v : "";
        var flags = Text("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuIdentity(Text("vendor_id"), Int("cpu family"), Int("model"), Int("stepping"), Text("model name"), flags);
    }
}
