using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Event;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Counts and logs inbound cluster messages that a serializer refused (counter
/// <c>spark3d.cluster.messages.refused</c> on the meter "Spark3D.Cluster", tagged with the serializer id and the
/// receiving node). Serializers are created by Akka, not by the host, so the counter lives on a meter of its own
/// rather than on a <see cref="ClusterMetrics"/> instance; exporters subscribe by meter name either way. Tags never
/// carry the sender's manifest (a peer could make it unbounded); the log line does, cut short. Logging is limited to
/// one line per second per actor system so a flood of refused messages cannot flood the log; the counter counts them all.
/// </summary>
public static class RefusedMessages
{
    /// <summary>Counter name.</summary>
    public const string InstrumentName = "spark3d.cluster.messages.refused";

    private const int ManifestShown = 120;
    private static readonly Meter Meter = new(ClusterMetrics.MeterName);
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        InstrumentName, "{message}", "Inbound messages a serializer refused (foreign serializer id, unknown manifest, malformed payload)");

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ExtendedActorSystem, LogWindow> LogWindows = new();

    /// <summary>Counts one refusal on <paramref name="system"/> and logs it (rate-limited).</summary>
    public static void Record(ExtendedActorSystem system, int serializerId, string reason, string? manifest, int bytes)
    {
        ArgumentNullException.ThrowIfNull(system);
        var node = NodeOf(system);
        Refused.Add(1, new KeyValuePair<string, object?>("serializer", serializerId), new KeyValuePair<string, object?>("node", node));

        long suppressed;
        var window = LogWindows.GetValue(system, _ => new LogWindow());
        lock (window)
        {
            var now = Environment.TickCount64;
            if (window.LastLogTicks != 0 && now - window.LastLogTicks < 1000)
            {
                window.Suppressed++;
                return;
            }

            suppressed = window.Suppressed;
            window.LastLogTicks = now;
            window.Suppressed = 0;
        }

        system.Log.Error(
            "Refused an inbound message: {0} (serializer id {1}, manifest '{2}', {3} bytes){4}",
            reason, serializerId, Shorten(manifest), bytes, suppressed > 0 ? $"; {suppressed} more refused since the last line" : "");
    }

    private static string NodeOf(ExtendedActorSystem system)
    {
        try
        {
            return system.Provider.DefaultAddress.ToString();
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
        {
            return system.Name; // before remoting has bound
        }
    }

    private sealed class LogWindow
    {
        public long LastLogTicks { get; set; }

        public long Suppressed { get; set; }
    }

    private static string Shorten(string? manifest) =>
        manifest is null ? "" : manifest.Length <= ManifestShown ? manifest : manifest[..ManifestShown] + "…";
}
