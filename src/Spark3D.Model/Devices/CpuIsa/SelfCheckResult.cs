using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>One quantity of one op in the self-check, over all repetitions.</summary>
/// <param name="Op">The op and shape, e.g. "conv3d 8->8 k3 2x8x16^3".</param>
/// <param name="Part">forward, grad_input, grad_weight, grad_bias or grad_params.</param>
/// <param name="Rounds">Multi-threaded repetitions compared.</param>
/// <param name="NonFiniteRounds">Repetitions in which the result held a NaN or an infinity.</param>
/// <param name="MismatchRounds">Repetitions whose largest difference from the single-threaded reference exceeded the tolerance.</param>
/// <param name="MaxRelativeDifference">Largest |multi − single| / max|single| seen (infinity once non-finite).</param>
public sealed record SelfCheckPart(string Op, string Part, int Rounds, int NonFiniteRounds, int MismatchRounds, double MaxRelativeDifference)
{
    /// <summary>Whether every repetition was finite and within the tolerance.</summary>
    [JsonIgnore]
    public bool Clean => NonFiniteRounds == 0 && MismatchRounds == 0;
}

/// <summary>What the conv3d self-check found (the JSON a `spark3d cpu-check` child prints, and the cache file's body).</summary>
/// <param name="CheckVersion">The check's version: a cached result of another version is not reused.</param>
/// <param name="TorchVersion">torch.__version__ in the checking process.</param>
/// <param name="MaxCpuIsa">ONEDNN_MAX_CPU_ISA in the checking process (null: oneDNN's default).</param>
/// <param name="Threads">Intra-op threads of the multi-threaded side (the reference uses one).</param>
/// <param name="Rounds">Multi-threaded repetitions of every op.</param>
/// <param name="Seconds">Wall time of the comparisons (libtorch loading not included).</param>
/// <param name="Parts">Per op and quantity.</param>
public sealed record SelfCheckResult(int CheckVersion, string TorchVersion, string? MaxCpuIsa, int Threads, int Rounds, double Seconds,
    IReadOnlyList<SelfCheckPart> Parts)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "8->8", not "8-\u003E8"
    };

    /// <summary>True when every op matched its single-threaded reference in every repetition.</summary>
    [JsonIgnore]
    public bool Safe => Parts.Count > 0 && Parts.All(p => p.Clean);

    /// <summary>The worst part in words, e.g. "conv3d 8->8 k3 2x8x16^3 grad_weight: NaN in 3 of 40"; null when clean.</summary>
    public string? FirstProblem()
    {
        var bad = Parts.FirstOrDefault(p => p.NonFiniteRounds > 0) ?? Parts.FirstOrDefault(p => !p.Clean);
        if (bad is null) return null;
        return bad.NonFiniteRounds > 0
            ? $"{bad.Op} {bad.Part}: NaN/inf in {bad.NonFiniteRounds} of {bad.Rounds}"
            : $"{bad.Op} {bad.Part}: off by {bad.MaxRelativeDifference:G2} (relative) in {bad.MismatchRounds} of {bad.Rounds}";
    }

    /// <summary>One line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s form; null when it is not one (a torn or foreign file).</summary>
    public static SelfCheckResult? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var r = JsonSerializer.Deserialize<SelfCheckResult>(json, Json);
            return r is { Parts: not null, TorchVersion: not null } && r.Parts.All(p => p?.Op is not null && p.Part is not null) ? r : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }
}
