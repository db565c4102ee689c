using System.Globalization;
using Spark3D.Data.Volumes;

namespace Spark3D.Model.Memory;

/// <summary>What the preflight decided, and the one message that explains it.</summary>
/// <param name="Fits">False when the estimate exceeds what may be used (host or GPU).</param>
/// <param name="Estimate">The estimate of the workload as configured.</param>
/// <param name="Message">Refusal: the estimate, what is available and configurations that would fit. Otherwise a
/// one-line summary (with a note when a figure could not be measured).</param>
public sealed record PreflightOutcome(bool Fits, MemoryEstimate Estimate, string Message);

/// <summary>A preset the suggestions may switch to: its parameter count and the multiple its patch edges must have.</summary>
public sealed record PresetShape(string Name, long Parameters, int PatchMultiple);

/// <summary>
/// Decides whether a workload fits in memory before anything is built, and if not, which nearby configuration would:
/// a smaller cubic patch, batch 1, bf16 (on CUDA), or a smaller preset.
/// </summary>
public static class MemoryPreflight
{
    /// <param name="w">The run as configured.</param>
    /// <param name="available">Measured (or configured) memory.</param>
    /// <param name="headroom">Fraction of the available memory kept free (estimate error, other processes).</param>
    /// <param name="current">The configured preset's shape (patch multiple).</param>
    /// <param name="alternatives">Presets a suggestion may switch to (smaller ones first is not required); empty = keep the preset.</param>
    public static PreflightOutcome Check(MemoryWorkload w, MemoryAvailability available, double headroom, PresetShape current,
        IReadOnlyList<PresetShape> alternatives)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(available);
        if (headroom is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(headroom), $"memory headroom must be in [0, 1), got {headroom}.");
        var estimate = MemoryEstimator.Estimate(w);
        long? hostLimit = Usable(available.HostBytes, headroom), gpuLimit = w.Cuda ? Usable(available.GpuBytes, headroom) : null;
        bool Fits(MemoryEstimate e) => (hostLimit is not { } h || e.HostBytes <= h) && (gpuLimit is not { } g || e.GpuBytes is not { } eg || eg <= g);

        if (Fits(estimate)) return new PreflightOutcome(true, estimate, Summary(w, estimate, available, hostLimit, gpuLimit));

        bool gpuShort = gpuLimit is { } gl && estimate.GpuBytes > gl;
        string where = gpuShort ? "GPU memory" : "memory";
        long need = gpuShort ? estimate.GpuBytes!.Value : estimate.HostBytes;
        long have = gpuShort ? available.GpuBytes!.Value : available.HostBytes!.Value;
        string source = gpuShort ? available.GpuSource : available.HostSource;
        var suggestions = Suggest(w, current, alternatives, Fits).ToList();
        string message =
            $"not enough {where}: {w.Describe()} needs about {MemoryEstimate.Format(need)} at its peak (estimate: " +
            $"{MemoryEstimate.Format(estimate.ParameterBytes)} for weights, gradients, optimiser state and checkpoint buffers, " +
            $"{MemoryEstimate.Format(estimate.ActivationBytes)} for activations), but {MemoryEstimate.Format(have)} is available ({source}), " +
            $"{Percent(headroom)} of which is kept free. " +
            (suggestions.Count > 0 ? $"Would fit: {string.Join("; ", suggestions)}. " : "No smaller configuration of this run fits. ") +
            "To run anyway: -D spark3d.model.device.memory-preflight=warn (or off).";
        return new PreflightOutcome(false, estimate, message);
    }

    private static IEnumerable<string> Suggest(MemoryWorkload w, PresetShape current, IReadOnlyList<PresetShape> alternatives, Func<MemoryEstimate, bool> fits)
    {
        string About(MemoryWorkload x) => $"about {MemoryEstimate.Format(x.Cuda ? MemoryEstimator.Estimate(x).GpuBytes!.Value : MemoryEstimator.Estimate(x).HostBytes)}";
        if (w.Task == MemoryTask.Predict)
        {
            var bf16 = w with { Bf16 = true };
            if (w.Cuda && !w.Bf16 && fits(MemoryEstimator.Estimate(bf16))) yield return $"-D spark3d.model.device.bf16=true ({About(bf16)})";
            yield break;
        }
        if (LargestFittingPatch(w, current.PatchMultiple, fits) is { } smaller) yield return $"--patch {smaller.Patch.X} ({About(smaller)})";
        if (w.Batch > 1)
        {
            var one = w with { Batch = 1 };
            var fitting = fits(MemoryEstimator.Estimate(one)) ? one : LargestFittingPatch(one, current.PatchMultiple, fits);
            if (fitting is not null) yield return $"--batch 1{(fitting.Patch == w.Patch ? "" : $" --patch {fitting.Patch.X}")} ({About(fitting)})";
        }
        if (w.Cuda && !w.Bf16 && fits(MemoryEstimator.Estimate(w with { Bf16 = true })))
            yield return $"-D spark3d.model.device.bf16=true ({About(w with { Bf16 = true })})";
        foreach (var preset in alternatives.Where(p => p.Parameters < w.Parameters).OrderByDescending(p => p.Parameters))
        {
            var other = w with { Preset = preset.Name, Parameters = preset.Parameters };
            if (IsMultiple(w.Patch, preset.PatchMultiple) && fits(MemoryEstimator.Estimate(other)))
            {
                yield return $"--preset {preset.Name} ({About(other)})";
                yield break;
            }
        }
    }

    /// <summary>The largest cubic patch below the current one (edges a multiple of <paramref name="multiple"/>) that fits.</summary>
    private static MemoryWorkload? LargestFittingPatch(MemoryWorkload w, int multiple, Func<MemoryEstimate, bool> fits)
    {
        int largest = Math.Max(w.Patch.X, Math.Max(w.Patch.Y, w.Patch.Z));
        for (int edge = (largest - 1) / multiple * multiple; edge >= multiple; edge -= multiple)
        {
            var candidate = w with { Patch = new Shape3(edge, edge, edge) };
            if (fits(MemoryEstimator.Estimate(candidate))) return candidate;
        }
        return null;
    }

    private static bool IsMultiple(Shape3 p, int m) => p.X % m == 0 && p.Y % m == 0 && p.Z % m == 0;

    private static long? Usable(long? bytes, double headroom) => bytes is { } b ? (long)(b * (1 - headroom)) : null;

    private static string Percent(double f) => (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Summary(MemoryWorkload w, MemoryEstimate e, MemoryAvailability a, long? hostLimit, long? gpuLimit)
    {
        string host = $"memory: {w.Describe()} needs about {MemoryEstimate.Format(e.HostBytes)} at its peak" +
                      (hostLimit is null ? $" (available memory unknown: {a.HostSource})" : $" of {MemoryEstimate.Format(a.HostBytes!.Value)} available");
        if (!w.Cuda) return host;
        return host + $"; GPU about {MemoryEstimate.Format(e.GpuBytes!.Value)}" +
               (gpuLimit is null ? $" (free GPU memory unknown: {a.GpuSource})" : $" of {MemoryEstimate.Format(a.GpuBytes!.Value)} free");
    }
}
