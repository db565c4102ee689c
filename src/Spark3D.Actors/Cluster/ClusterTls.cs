using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Spark3D.Actors.Cluster;

/// <summary>
/// Turns <see cref="ClusterTlsOptions"/> into Akka's <see cref="DotNettySslSetup"/>: this node's certificate, mutual
/// authentication required (Akka 1.5.73 asks the connecting side for a certificate too), host names not checked (nodes
/// are reached by IP as often as by name), and one validator for both directions: the peer's certificate must chain
/// to the cluster CA alone (custom root trust, revocation not checked: a private cluster CA publishes no CRL).
/// </summary>
public static class ClusterTls
{
    /// <summary>Loads the certificate and the CA; a missing or unreadable file is an <see cref="ArgumentException"/> naming it.</summary>
    public static DotNettySslSetup Setup(ClusterTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!tls.Enabled)
        {
            throw new ArgumentException("TLS is not enabled", nameof(tls));
        }

        var certificate = Load("spark3d.cluster.tls.certificate", tls.CertificatePath,
            p => X509CertificateLoader.LoadPkcs12FromFile(p, string.IsNullOrEmpty(tls.CertificatePassword) ? null : tls.CertificatePassword));
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"spark3d.cluster.tls.certificate '{tls.CertificatePath}' has no private key (export it with the key, as PKCS#12)");
        }

        var ca = Load("spark3d.cluster.tls.ca-certificate", tls.CaCertificatePath, X509CertificateLoader.LoadCertificateFromFile);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: (peer, chain, remote, _, log) => IsSignedByClusterCa(peer, chain, ca, remote, log));
    }

    /// <summary>True when <paramref name="peer"/> chains to <paramref name="ca"/> (and only to it); logs why not otherwise.</summary>
    public static bool IsSignedByClusterCa(X509Certificate2? peer, X509Chain? presented, X509Certificate2 ca, string remote, ILoggingAdapter? log)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (peer is null)
        {
            log?.Warning("TLS: {0} presented no certificate; refused", remote);
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate); // intermediates the peer sent
            }
        }

        if (chain.Build(peer))
        {
            return true;
        }

        var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
        log?.Warning("TLS: {0} presented '{1}', which the cluster CA '{2}' did not sign ({3}); refused", remote, peer.Subject, ca.Subject, why);
        return false;
    }

    private static X509Certificate2 Load(string setting, string path, Func<string, X509Certificate2> load)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{setting} is empty; TLS needs it (docs/cluster.md)");
        }

        try
        {
            return load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"{setting} '{path}' cannot be read: {e.Message}", e);
        }
    }
}
