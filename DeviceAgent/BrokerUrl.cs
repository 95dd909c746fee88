using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// A broker address: <c>mqtt://host:port</c> (TCP), <c>mqtts://host:port</c> (TCP over TLS, 8883 by default),
/// <c>ws://host:port/path</c> or <c>wss://host:port/path</c> (MQTT over WebSocket).
/// </summary>
public sealed record BrokerUrl(Uri Uri)
{
    public bool IsWebSocket => Uri.Scheme is "ws" or "wss";

    public bool IsTls => Uri.Scheme is "mqtts" or "wss";

    public static bool TryParse(string text, out BrokerUrl url, out string error)
    {
        url = null!;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts" or "ws" or "wss") || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{text}' is not a broker URL: use mqtt://host:port, mqtts://host:port, ws://host:port/mqtt or wss://host/mqtt";
            return false;
        }

        url = new BrokerUrl(uri);
        error = "";
        return true;
    }

    /// <summary>
    /// The transport for this address. Over TLS the server's certificate is checked against the system's trust store, or
    /// against <paramref name="ca"/> only (<c>--ca-file</c>) when given; the host name must match either way.
    /// </summary>
    public MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder, X509Certificate2? ca = null)
    {
        builder = IsWebSocket
            ? builder.WithWebSocketServer(o => o.WithUri(Uri.ToString()))
            : builder.WithTcpServer(o => o.BufferSize = 64 * 1024) // MQTTnet's default 8 KB stalls on bursts
                .WithEndPoint(new System.Net.DnsEndPoint(Uri.Host, Uri.IsDefaultPort || Uri.Port <= 0 ? (IsTls ? 8883 : 1883) : Uri.Port));
        if (!IsTls)
        {
            return builder;
        }

        return builder.WithTlsOptions(tls =>
        {
            tls.UseTls().WithTargetHost(Uri.Host);
            if (ca is not null)
            {
                tls.WithCertificateValidationHandler(e => e.SslPolicyErrors is System.Net.Security.SslPolicyErrors.None or System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors &&
                    ChainsTo(e.Certificate, ca));
            }
        });
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="ca"/> (and only to it).</summary>
    static bool ChainsTo(X509Certificate? certificate, X509Certificate2 ca)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public override string ToString() => Uri.ToString();
}
