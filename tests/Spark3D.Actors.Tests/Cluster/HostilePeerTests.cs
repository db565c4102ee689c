using System.Diagnostics.Metrics;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Spark3D.Actors.Cluster;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>
/// A second ActorSystem on 127.0.0.1 plays a peer that reaches a node's remoting port: it still has Akka's Newtonsoft
/// serializer bound (id 1, type names in the manifest) and sends what it likes. The node under test runs the
/// configuration <see cref="ClusterConfig"/> builds.
/// </summary>
public sealed class HostilePeerTests : TestKit
{
    public HostilePeerTests()
        : base(ClusterConfig.Build(new ClusterNodeOptions()))
    {
    }

    [Fact]
    public void Json_is_replaced_so_nothing_is_serialized_with_newtonsoft()
    {
        var fallback = Sys.Serialization.FindSerializerForType(typeof(Gadget));
        Assert.IsType<RefusingJsonSerializer>(fallback);
        Assert.Throws<SerializationException>(() => fallback.ToBinary(new Gadget()));
    }

    [Fact]
    public async Task An_envelope_for_serializer_id_1_with_a_foreign_manifest_is_refused_counted_and_the_link_survives()
    {
        var node = ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString();
        using var refused = new RefusalRecorder(node);

        // Directly, as Akka.Remote's dispatcher calls it: a Newtonsoft $type payload naming a BCL type.
        var payload = Encoding.UTF8.GetBytes("{\"$type\":\"System.Diagnostics.Process, System.Diagnostics.Process\",\"StartInfo\":{\"FileName\":\"touch\"}}");
        var direct = Assert.Throws<SerializationException>(() =>
            Sys.Serialization.Deserialize(payload, RefusingJsonSerializer.JsonSerializerId, "System.Diagnostics.Process, System.Diagnostics.Process"));
        Assert.Contains("json is disabled", direct.Message, StringComparison.Ordinal);
        Assert.Equal(1, refused.Count(RefusingJsonSerializer.JsonSerializerId));

        // Over the wire: the peer's Newtonsoft writes serializer id 1 and the Gadget's type name as the manifest.
        using var peer = new Peer(newtonsoft: true);
        var target = peer.System.ActorSelection(TestActor.Path.ToStringWithAddress(((ExtendedActorSystem)Sys).Provider.DefaultAddress));
        var gadget = new Gadget { Command = "touch /tmp/pwned" };
        Gadget.SetterCalls = 0; // the setter ran above, here; the node must not run it again
        target.Tell(gadget);
        await AwaitAssertAsync(() => Assert.Equal(2, refused.Count(RefusingJsonSerializer.JsonSerializerId)), TimeSpan.FromSeconds(10));
        Assert.Equal(0, Gadget.SetterCalls);

        // The message went nowhere, and the association stays up for messages the node does accept.
        target.Tell("still connected");
        ExpectMsg("still connected", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Only_a_member_gets_work_only_for_itself_and_its_results_count_only_under_its_own_lease_and_inside_the_output()
    {
        using var metrics = new ClusterMetrics();
        using var rejected = new RejectionRecorder(metrics);
        var dir = Path.Combine(Path.GetTempPath(), "spark3d-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var journal = new JsonLinesWorkJournal(Path.Combine(dir, "journal.jsonl"));
            var items = new[] { new VolumeWorkItem("a", "/in/a"), new VolumeWorkItem("b", "/in/b") };
            var self = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
            Akka.Cluster.Cluster.Get(Sys).Join(self);
            var coordinator = Sys.ActorOf(PreprocessCoordinator.Props(items, journal, new PreprocessJobOptions { RequestBatchSize = 1 }, metrics), "coordinator");

            // A peer that reaches the port but is no member of the cluster (e.g. a worker of an earlier coordinator run): no answer, counted.
            using (var outsider = new Peer(newtonsoft: false))
            {
                var address = ((ExtendedActorSystem)outsider.System).Provider.DefaultAddress.ToString();
                var selection = outsider.System.ActorSelection(coordinator.Path.ToStringWithAddress(self));
                await Assert.ThrowsAsync<AskTimeoutException>(() => selection.Ask<WorkGranted>(new RequestWork(address, 1), TimeSpan.FromSeconds(2)));
                Assert.Equal(1, rejected.Count("request", "not-a-member"));
            }

            using var peer = new Peer(newtonsoft: false, joining: self);
            await AwaitAssertAsync(
                () => Assert.Equal(2, Akka.Cluster.Cluster.Get(Sys).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up)),
                TimeSpan.FromSeconds(15));
            var peerAddress = ((ExtendedActorSystem)peer.System).Provider.DefaultAddress.ToString();
            var remote = peer.System.ActorSelection(coordinator.Path.ToStringWithAddress(self));

            // Claiming to be another node: no answer, counted.
            const string someoneElse = "akka.tcp://spark3d@10.9.9.9:4053";
            await Assert.ThrowsAsync<AskTimeoutException>(() => remote.Ask<WorkGranted>(new RequestWork(someoneElse, 1), TimeSpan.FromSeconds(2)));
            Assert.Equal(1, rejected.Count("request", "node-mismatch"));

            // As itself: a lease. Forged results are ignored; the holder's own one counts.
            var grant = await remote.Ask<WorkGranted>(new RequestWork(peerAddress, 1), TimeSpan.FromSeconds(10));
            var id = Assert.Single(grant.Items).Id;
            remote.Tell(new WorkCompleted(id, grant.LeaseId, someoneElse, id + ".s3d", "h", ""));
            remote.Tell(new WorkCompleted(id, "0123456789abcdef0123456789abcdef", peerAddress, id + ".s3d", "h", ""));
            remote.Tell(new WorkCompleted(id, grant.LeaseId, peerAddress, "../../../home/user/.bashrc", "h", ""));
            var status = await remote.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(10));
            Assert.Equal((0, 1), (status.Done, status.Leased));
            Assert.Equal((1, 1, 1), (rejected.Count("result", "node-mismatch"), rejected.Count("result", "lease-mismatch"), rejected.Count("result", "path-outside-output")));

            remote.Tell(new WorkCompleted(id, grant.LeaseId, peerAddress, id + ".s3d", "h", ""));
            status = await remote.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(10));
            Assert.Equal((1, 0), (status.Done, status.Leased));
            var entry = Assert.Single(journal.Load());
            Assert.Equal((id, peerAddress, id + ".s3d"), (entry.Id, entry.Node, entry.OutputPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What a Newtonsoft payload would build: a type whose setter would run on deserialization.</summary>
    public sealed class Gadget
    {
        private static int _setterCalls;
        private string _command = "";

        public static int SetterCalls
        {
            get => Volatile.Read(ref _setterCalls);
            set => Volatile.Write(ref _setterCalls, value);
        }

        public string Command
        {
            get => _command;
            set
            {
                Interlocked.Increment(ref _setterCalls);
                _command = value;
            }
        }
    }

    /// <summary>
    /// Another process's view, as a second system: with remoting only (it never joins the cluster), or, given
    /// <paramref name="joining"/>, a cluster member that joins that node (the same system name, as Akka requires).
    /// </summary>
    private sealed class Peer : IDisposable
    {
        public Peer(bool newtonsoft, Address? joining = null)
        {
            var text = (joining is null ? "akka.actor.provider = remote\n" : "") + "akka.loglevel = WARNING\n"
                       + (newtonsoft ? "akka.actor.serializers.json = \"Akka.Serialization.NewtonSoftJsonSerializer, Akka\"\n" : "");
            var config = ConfigurationFactory.ParseString(text).WithFallback(ClusterConfig.Build(new ClusterNodeOptions()));
            System = ActorSystem.Create(joining?.System ?? "peer", config);
            if (joining is not null)
            {
                Akka.Cluster.Cluster.Get(System).Join(joining);
            }
        }

        public ActorSystem System { get; }

        public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Counts <see cref="RefusedMessages.InstrumentName"/> for one node, by serializer id.</summary>
    private sealed class RefusalRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<int, int> _bySerializer = [];

        public RefusalRecorder(string node)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ClusterMetrics.MeterName && instrument.Name == RefusedMessages.InstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                int serializer = -1;
                string? at = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "serializer") serializer = (int)tag.Value!;
                    if (tag.Key == "node") at = (string)tag.Value!;
                }

                if (at == node)
                {
                    lock (_bySerializer)
                    {
                        _bySerializer[serializer] = _bySerializer.GetValueOrDefault(serializer) + (int)value;
                    }
                }
            });
            _listener.Start();
        }

        public int Count(int serializer)
        {
            lock (_bySerializer)
            {
                return _bySerializer.GetValueOrDefault(serializer);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
