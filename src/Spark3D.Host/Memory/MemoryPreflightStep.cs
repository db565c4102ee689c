using Microsoft.Extensions.Logging;
using Spark3D.Model.Memory;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Memory;

/// <summary>A run was refused because its estimated peak memory does not fit; the message says why and what would fit.</summary>
public sealed class MemoryPreflightException(string message) : Exception(message);

/// <summary>
/// The preflight as the commands run it, right after TorchRuntime.Initialize and before any network is built:
/// estimate, compare, and refuse (on), warn (warn) or skip (off).
/// </summary>
public static class MemoryPreflightStep
{
    /// <summary>
    /// Checks <paramref name="w"/>; returns the one-line summary to print (null when off or when a warning was logged).
    /// The warning goes through <paramref name="logger"/>, so it lands in the run's log file as well as on the console.
    /// </summary>
    /// <exception cref="MemoryPreflightException">Mode on and the run does not fit.</exception>
    public static string? Run(MemoryPreflightOptions options, MemoryWorkload w, PresetShape current, IReadOnlyList<PresetShape> alternatives,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == PreflightMode.Off) return null;
        var outcome = MemoryPreflight.Check(w, options.Availability(w.Cuda), options.Headroom, current, alternatives);
        if (outcome.Fits) return outcome.Message;
        if (options.Mode == PreflightMode.On) throw new MemoryPreflightException(outcome.Message);
        logger.Warn(outcome.Message);
        return null;
    }
}
