using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Tls;

public static class TlsHosting
{
    /// <summary>The <c>Tls</c> section, validated at start-up, and the certificate it names (reloaded when replaced).</summary>
    public static WebApplicationBuilder AddTls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TlsOptions>().Bind(builder.Configuration.GetSection(TlsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        builder.Services.AddSingleton<CertificateFiles>();
        return builder;
    }

    /// <summary>TLS 1.2 or 1.3 with the configured certificate; Kestrel's default (the development certificate) without one.</summary>
    internal static HttpsConnectionAdapterOptions Https(IServiceProvider services, HttpsConnectionAdapterOptions https)
    {
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (services.GetRequiredService<IOptions<TlsOptions>>().Value.HasCertificate)
        {
            var certificates = services.GetRequiredService<CertificateFiles>();
            https.ServerCertificateSelector = (_, _) => certificates.Current;
        }

        return https;
    }
}
