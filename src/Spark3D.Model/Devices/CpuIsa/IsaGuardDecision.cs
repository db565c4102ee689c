using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// The oneDNN ISA level a process runs under and why: printed as a run's first line, written into summary.json, and
/// handed to the re-executed process in <see cref="IsaGuard.DecisionVariable"/>.
/// </summary>
/// <param name="Cpu">The CPU in words (<see cref="CpuIdentity.Describe"/>), or "unknown CPU".</param>
/// <param name="MaxCpuIsa">The ONEDNN_MAX_CPU_ISA value in force (e.g. AVX2); null = oneDNN's default (the best the CPU has).</param>
/// <param name="Source">What decided it.</param>
/// <param name="Reason">One phrase: the rule, the check's numbers, or the failure.</param>
public sealed record IsaGuardDecision(string Cpu, string? MaxCpuIsa, IsaGuardSource Source, string Reason)
{
    /// <summary>True when this decision lowered oneDNN's ISA (the user's own setting is not a cap of ours).</summary>
    public bool Capped => MaxCpuIsa is not null && Source != IsaGuardSource.User;

    /// <summary>The run's first line, e.g. <c>cpu: AMD EPYC 9555 (family 26 model 2) — oneDNN capped at AVX2 (known-bad CPU: …)</c>.</summary>
    public string Line()
    {
        string what = Source switch
        {
            IsaGuardSource.User => $"ONEDNN_MAX_CPU_ISA={MaxCpuIsa}",
            _ when MaxCpuIsa is not null => $"oneDNN capped at {MaxCpuIsa}",
            IsaGuardSource.NoAvx512 => "oneDNN not capped",
            IsaGuardSource.Off or IsaGuardSource.Unguarded or IsaGuardSource.UnknownCpu => "oneDNN not guarded",
            _ => "oneDNN AVX-512 kept",
        };
        return $"cpu: {Cpu} — {what} ({Reason})";
    }

    /// <summary>The JSON object summary.json holds under "cpu".</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Cpu,
        ["onednn_max_cpu_isa"] = MaxCpuIsa,
        ["guard"] = Source.Name(),
        ["reason"] = Reason,
    };

    /// <summary>Reads <see cref="ToJson"/>'s form; null when <paramref name="json"/> is not one.</summary>
    public static IsaGuardDecision? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var o = JsonNode.Parse(json) as JsonObject;
            var source = IsaGuardSourceNames.Parse(o?["guard"]?.GetValue<string>());
            if (o is null || source is null) return null;
            return new IsaGuardDecision(o["name"]?.GetValue<string>() ?? "unknown CPU", o["onednn_max_cpu_isa"]?.GetValue<string>(),
                source.Value, o["reason"]?.GetValue<string>() ?? "");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
