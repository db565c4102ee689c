namespace Spark3D.Actors.Cluster;

/// <summary>
/// Mutual TLS for cluster remoting (HOCON <c>spark3d.cluster.tls</c>; docs/cluster.md). Every node presents its own
/// certificate and accepts a peer only when the peer's certificate chains to <see cref="CaCertificatePath"/>, the
/// cluster's own CA (the system trust store is not used: a certificate any public CA signed is not a cluster member).
/// </summary>
public sealed record ClusterTlsOptions
{
    /// <summary>Off: remoting is plain TCP (only for loopback or a trusted network; a non-loopback node warns at start).</summary>
    public bool Enabled { get; init; }

    /// <summary>This node's certificate with its private key, PKCS#12 (.pfx/.p12).</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>Password of <see cref="CertificatePath"/> (empty: none).</summary>
    public string CertificatePassword { get; init; } = "";

    /// <summary>The cluster CA's certificate, PEM or DER: peers must present a certificate it signed.</summary>
    public string CaCertificatePath { get; init; } = "";
}
