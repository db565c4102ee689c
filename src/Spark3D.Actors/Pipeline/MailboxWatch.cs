using Akka.Actor;
using Spark3D.Training.Telemetry;

namespace Spark3D.Actors.Pipeline;

/// <summary>Feeds an actor's mailbox depth to <see cref="PipelineMetrics"/>, which knows no Akka.</summary>
public static class MailboxWatch
{
    /// <summary>Observes <paramref name="actor"/>'s mailbox as <paramref name="name"/>; only local actors expose their
    /// cell, so others report nothing rather than a guess.</summary>
    public static void WatchMailbox(this PipelineMetrics metrics, string name, IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.WatchMailbox(name, () => actor is ActorRefWithCell { Underlying: var cell } ? cell.NumberOfMessages : null);
    }
}
