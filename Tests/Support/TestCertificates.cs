using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreatiWall.Tests.Support;

/// <summary>
/// A test CA and server certificates it signs (for 127.0.0.1 and localhost), made with .NET's
/// <see cref="CertificateRequest"/> and written as PEM files, as an operator's would be.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=CreatiWall Test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("cw-tls-").FullName;

    public string CaPath => Path.Combine(Folder, "ca.pem");

    public string CertificatePath => Path.Combine(Folder, "server.pem");

    public string KeyPath => Path.Combine(Folder, "server-key.pem");

    /// <summary>The CA as a trust anchor for .NET clients.</summary>
    public X509Certificate2 Ca => _ca;

    /// <summary>Issues a new server certificate and writes it over <see cref="CertificatePath"/> and <see cref="KeyPath"/>; returns its thumbprint.</summary>
    public string IssueServerCertificate(string name = "CreatiWall Test Server")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
        // Written aside and moved in, as certbot and friends do: a reader never sees half a file.
        File.WriteAllText(KeyPath + ".new", key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CertificatePath + ".new", certificate.ExportCertificatePem());
        File.Move(KeyPath + ".new", KeyPath, overwrite: true);
        File.Move(CertificatePath + ".new", CertificatePath, overwrite: true);
        return certificate.Thumbprint;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the test CA (a client's validation callback).</summary>
    public bool Trusts(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
