using Akka.Actor;
using Akka.Remote.Transport.DotNetty;
using Spark3D.Actors.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace Spark3D.Actors.Tests.Cluster;

/// <summary>
/// Real mutual-TLS handshakes between ActorSystems on 127.0.0.1 with certificates made in the test: nodes with
/// certificates from the cluster CA form a cluster and talk; a node without TLS, or with a certificate another CA
/// signed (while itself trusting the cluster CA, so only the coordinator's check can stop it), never becomes a member.
/// </summary>
public sealed class ClusterTlsTests
{
    private static ClusterNodeOptions Node(ClusterTlsOptions tls, params string[] seeds) => new()
    {
        Seeds = seeds,
        StableAfter = TimeSpan.FromSeconds(2),
        GossipInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        AcceptableHeartbeatPause = TimeSpan.FromSeconds(2),
        JoinRetryInterval = TimeSpan.FromMilliseconds(500),
        LogLevel = "WARNING",
        Tls = tls,
    };

    private static ClusterTlsOptions Tls(string certificate, string ca) =>
        new() { Enabled = true, CertificatePath = certificate, CertificatePassword = TestCertificates.Password, CaCertificatePath = ca };

    [Fact]
    public async Task Nodes_with_cluster_certificates_join_over_mutual_tls_and_peers_without_them_cannot()
    {
        using var pki = new TestCertificates("spark3d test cluster CA");
        using var rogue = new TestCertificates("some other CA");
        var seedSystem = ActorSystem.Create("spark3d", ClusterConfig.Setup(Node(Tls(pki.Issue("coordinator"), pki.CaPath))));
        var systems = new List<ActorSystem> { seedSystem };
        try
        {
            var seedCluster = AkkaCluster.Get(seedSystem);
            Assert.Equal("akka.ssl.tcp", seedCluster.SelfAddress.Protocol);
            seedCluster.Join(seedCluster.SelfAddress);
            await WaitFor(() => seedCluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 1, "the seed to come up");
            var seed = $"{seedCluster.SelfAddress.Host}:{seedCluster.SelfAddress.Port}";

            // Without TLS: plain TCP to a TLS port. With the wrong certificate: trusts our CA, presents another's.
            var plain = ActorSystem.Create("spark3d", ClusterConfig.Setup(Node(new ClusterTlsOptions(), $"akka.tcp://spark3d@{seed}")));
            systems.Add(plain);
            var impostor = ActorSystem.Create("spark3d", ClusterConfig.Setup(Node(Tls(rogue.Issue("impostor"), pki.CaPath), seed)));
            systems.Add(impostor);
            await Task.Delay(TimeSpan.FromSeconds(6)); // several join attempts (join-retry-interval 0.5 s)
            Assert.Single(seedCluster.State.Members);
            Assert.DoesNotContain(AkkaCluster.Get(plain).State.Members, m => m.Status == MemberStatus.Up);
            Assert.DoesNotContain(AkkaCluster.Get(impostor).State.Members, m => m.Status == MemberStatus.Up);
            Assert.True(AkkaCluster.Get(impostor).SelfAddress.Port > 0);

            // A node with a certificate from the cluster CA joins, both ways, and messages flow.
            var worker = ActorSystem.Create("spark3d", ClusterConfig.Setup(Node(Tls(pki.Issue("worker"), pki.CaPath), seed)));
            systems.Add(worker);
            await WaitFor(() => seedCluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2, "the worker to join over TLS");
            Assert.Contains(seedCluster.State.Members, m => m.Address.Equals(AkkaCluster.Get(worker).SelfAddress));
            Assert.DoesNotContain(seedCluster.State.Members, m => m.Address.Equals(AkkaCluster.Get(impostor).SelfAddress) || m.Address.Equals(AkkaCluster.Get(plain).SelfAddress));
            var echo = seedSystem.ActorOf(Props.Create(() => new Echo()), "echo");
            var path = echo.Path.ToStringWithAddress(seedCluster.SelfAddress);
            Assert.Equal("over tls", await worker.ActorSelection(path).Ask<string>("over tls", TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(15))));
        }
    }

    [Fact]
    public void The_validator_accepts_only_certificates_the_cluster_ca_signed()
    {
        using var pki = new TestCertificates("cluster CA");
        using var rogue = new TestCertificates("other CA");
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(pki.CaPath);
        using var ours = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(pki.Issue("n1"), TestCertificates.Password);
        using var theirs = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(rogue.Issue("n2"), TestCertificates.Password);
        using var rogueCa = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(rogue.CaPath);
        Assert.True(ClusterTls.IsSignedByClusterCa(ours, null, ca, "peer", null));
        Assert.False(ClusterTls.IsSignedByClusterCa(theirs, null, ca, "peer", null));
        Assert.False(ClusterTls.IsSignedByClusterCa(rogueCa, null, ca, "peer", null)); // a self-signed CA is not a node
        Assert.False(ClusterTls.IsSignedByClusterCa(null, null, ca, "peer", null));
    }

    [Fact]
    public void Missing_or_unreadable_certificates_are_errors_naming_the_setting_and_file()
    {
        using var pki = new TestCertificates("cluster CA");
        var missing = Assert.Throws<ArgumentException>(() => ClusterTls.Setup(Tls(Path.Combine(pki.Dir, "nope.pfx"), pki.CaPath)));
        Assert.Contains("spark3d.cluster.tls.certificate", missing.Message, StringComparison.Ordinal);
        Assert.Contains("nope.pfx", missing.Message, StringComparison.Ordinal);
        var noCa = Assert.Throws<ArgumentException>(() => ClusterTls.Setup(Tls(pki.Issue("n"), Path.Combine(pki.Dir, "no-ca.pem"))));
        Assert.Contains("spark3d.cluster.tls.ca-certificate", noCa.Message, StringComparison.Ordinal);
        var wrongPassword = Assert.Throws<ArgumentException>(() => ClusterTls.Setup(Tls(pki.Issue("m"), pki.CaPath) with { CertificatePassword = "wrong" }));
        Assert.Contains("spark3d.cluster.tls.certificate", wrongPassword.Message, StringComparison.Ordinal);
        Assert.Contains("m.pfx", wrongPassword.Message, StringComparison.Ordinal);
        Assert.IsType<DotNettySslSetup>(ClusterTls.Setup(Tls(pki.Issue("ok"), pki.CaPath)));
    }

    [Theory]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("localhost", false, false)]
    [InlineData("::1", false, false)]
    [InlineData("0.0.0.0", false, true)]
    [InlineData("10.1.2.3", false, true)]
    [InlineData("node7.example", false, true)]
    [InlineData("0.0.0.0", true, false)]
    public void Binding_a_non_loopback_address_without_tls_is_warned_about(string host, bool tls, bool warned)
    {
        var options = new ClusterNodeOptions { Hostname = host, Port = 4053, Tls = tls ? new ClusterTlsOptions { Enabled = true } : new ClusterTlsOptions() };
        var warning = ClusterConfig.InsecureBindingWarning(options);
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Contains($"{host}:4053 WITHOUT TLS", warning, StringComparison.Ordinal);
        }

        // TLS switched on through raw akka overrides counts too.
        Assert.Null(ClusterConfig.InsecureBindingWarning(options with { AkkaOverrides = "akka.remote.dot-netty.tcp.enable-ssl = true" }));
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(s => Sender.Tell(s));
    }
}
