namespace Spark3D.Actors.Cluster;

/// <summary>
/// The protocol of <see cref="JobDescriptionActor"/>. Plain strings on purpose: they cross the wire with Akka's built-in
/// string serializer, so a worker and its coordinator agree without sharing a type or a serializer binding.
/// </summary>
public static class JobDescriptionActorMessages
{
    /// <summary>Any node → coordinator node: asks for the job. The answer is <see cref="JobDescription.ToJson"/>.</summary>
    public const string DescribeJob = "spark3d.describe-job";
}
