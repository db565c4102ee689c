using Akka.Actor;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Runs on the coordinator node at <c>/user/preprocess-job</c> and answers
/// <see cref="JobDescriptionActorMessages.DescribeJob"/> with the <see cref="JobDescription"/> JSON. Anything else is
/// unhandled (logged as a dead letter by Akka).
/// </summary>
public sealed class JobDescriptionActor : ReceiveActor
{
    /// <summary>Actor name on the coordinator node.</summary>
    public const string Name = "preprocess-job";

    public JobDescriptionActor(string descriptionJson)
    {
        Receive<string>(s => s == JobDescriptionActorMessages.DescribeJob, _ => Sender.Tell(descriptionJson));
    }

    public static Props Props(JobDescription description) =>
        Akka.Actor.Props.Create(() => new JobDescriptionActor(description.ToJson()));

    /// <summary>
    /// Asks the coordinator at <paramref name="seedAddress"/> (akka.tcp://SYSTEM@HOST:PORT) for the job, retrying about
    /// every 1.25 s until it answers or <paramref name="ct"/> is cancelled. A worker started before its coordinator
    /// loses its first asks (connection refused, address gated); a short cycle gets it working soon after the
    /// coordinator is up. The messages are a few hundred bytes.
    /// </summary>
    public static async Task<JobDescription> FetchAsync(ActorSystem system, string seedAddress, CancellationToken ct)
    {
        var selection = system.ActorSelection($"{seedAddress.TrimEnd('/')}/user/{Name}");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                string json = await selection.Ask<string>(JobDescriptionActorMessages.DescribeJob, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                return JobDescription.FromJson(json);
            }
            catch (AskTimeoutException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
        }
    }
}
