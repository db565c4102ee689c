using System.Runtime.Serialization;
using System.Text;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

public class ClusterMessageSerializerTests : TestKit
{
    private static readonly DateTime Deadline = new(2026, 11, 27, 18, 0, 0, DateTimeKind.Utc);

    // The bindings under test come from ClusterConfig; a local provider keeps each test's system start/stop fast.
    public ClusterMessageSerializerTests()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterConfig.Build(new ClusterNodeOptions())))
    {
    }

    public static IEnumerable<object[]> Samples()
    {
        var node = new NodeThroughput("akka.tcp://spark3d@127.0.0.1:4053", 12, 1, 3.25);
        var member = new ClusterMemberInfo("akka.tcp://spark3d@127.0.0.1:4053", ["coordinator", "preprocess"], "Up", true);
        object[] all =
        [
            new VolumeWorkItem("vol001", "/data/in/vol001.nii.gz"),
            new RegisterWorker("akka.tcp://spark3d@127.0.0.1:5000", 4),
            new WorkerRegistered("akka.tcp://spark3d@127.0.0.1:4053"),
            new RequestWork("akka.tcp://spark3d@127.0.0.1:5000", 3),
            new WorkGranted([new VolumeWorkItem("a", "/x/a"), new VolumeWorkItem("b", "/x/b")], "lease-1", Deadline),
            NoWorkYet.Instance,
            AllWorkDone.Instance,
            new WorkCompleted("a", "lease-1", "akka.tcp://spark3d@127.0.0.1:5000", "a.out", "ab12", "{\"bytes\":3}"),
            new WorkFailed("b", "lease-1", "akka.tcp://spark3d@127.0.0.1:5000", "bad magic"),
            AwaitCompletion.Instance,
            GetClusterStatus.Instance,
            new ClusterStatus([member], 30, 10, 4, 14, 2, 3, 1, 0, [node], false),
            member,
            new JobSummary(30, 25, 5, 2, 3, 1, TimeSpan.FromSeconds(12.5), [node]),
            node,
        ];
        return all.Select(m => new[] { m });
    }

    [Fact]
    public void Samples_cover_every_message_type()
    {
        var sampled = Samples().Select(s => s[0].GetType()).ToHashSet();
        Assert.Equal(ClusterMessageSerializer.MessageTypes.ToHashSet(), sampled);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Round_trips_through_the_bound_serializer(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var typed = Assert.IsType<ClusterMessageSerializer>(serializer);
        var bytes = typed.ToBinary(message);
        var manifest = typed.Manifest(message);
        var back = typed.FromBinary(bytes, manifest);
        Assert.IsType(message.GetType(), back);
        Assert.Equivalent(message, back, strict: true);
    }

    [Fact]
    public void Garbage_bytes_are_rejected_and_logged()
    {
        var serializer = Serializer();
        EventFilter.Error(contains: "rejected malformed RequestWork").ExpectOne(() =>
            Assert.Throws<SerializationException>(() => serializer.FromBinary([0xde, 0xad, 0xbe, 0xef, 0x00], "RQW")));
    }

    [Fact]
    public void Unknown_manifest_is_rejected_and_logged()
    {
        var serializer = Serializer();
        var bytes = Encoding.UTF8.GetBytes("{\"id\":\"a\"}");
        EventFilter.Error(contains: "unknown manifest 'XYZ'").ExpectOne(() =>
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "XYZ")));
    }

    [Theory]
    [InlineData("WCP", "{}")]
    [InlineData("WCP", "{\"id\":\"a\",\"leaseId\":\"l\",\"workerAddress\":\"w\",\"outputPath\":null,\"contentHash\":\"h\",\"stats\":\"\"}")]
    [InlineData("RQW", "{\"workerAddress\":\"w\",\"count\":0}")]
    [InlineData("WGR", "{\"items\":[],\"leaseId\":\"l\",\"deadlineUtc\":\"2026-11-27T18:00:00Z\"}")]
    [InlineData("WGR", "{\"items\":[null],\"leaseId\":\"l\",\"deadlineUtc\":\"2026-11-27T18:00:00Z\"}")]
    [InlineData("AWD", "{}")]
    public void Malformed_payloads_are_rejected(string manifest, string json)
    {
        var serializer = Serializer();
        EventFilter.Error(contains: "rejected malformed").ExpectOne(() =>
            Assert.Throws<SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest)));
    }

    [Fact]
    public void Foreign_types_are_refused()
    {
        var serializer = Serializer();
        EventFilter.Error(contains: "not a Spark3D cluster message").ExpectOne(() =>
            Assert.Throws<SerializationException>(() => serializer.ToBinary("hello")));
    }

    private ClusterMessageSerializer Serializer() =>
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerForType(typeof(RequestWork)));
}
