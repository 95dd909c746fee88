using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Tls;

/// <summary>
/// Configuration section <c>Tls</c>: the server certificate for MQTT over TLS (<c>Mqtt:TlsPort</c>) and for HTTPS/WSS
/// (<c>https://</c> URLs), as PEM files (certificate chain and private key) or one PFX file.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>PEM: the certificate, followed by its intermediates.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM: the certificate's private key (PKCS#8, or PKCS#1 RSA / SEC1 EC).</summary>
    public string? KeyPath { get; set; }

    public string? PfxPath { get; set; }

    public string? PfxPassword { get; set; }

    public bool HasCertificate => CertificatePath is { Length: > 0 } || PfxPath is { Length: > 0 };
}

/// <summary>At start-up: one certificate source, files that exist and load, and a certificate where one is needed.</summary>
internal sealed class TlsOptionsValidator(IConfiguration configuration) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        if (options.CertificatePath is { Length: > 0 } && options.PfxPath is { Length: > 0 })
        {
            return ValidateOptionsResult.Fail("Tls: set either Tls:CertificatePath and Tls:KeyPath (PEM) or Tls:PfxPath, not both.");
        }

        if (options.CertificatePath is { Length: > 0 } != options.KeyPath is { Length: > 0 })
        {
            return ValidateOptionsResult.Fail("Tls:CertificatePath and Tls:KeyPath go together (PEM certificate and its private key).");
        }

        if (!options.HasCertificate)
        {
            // Read as text: a TlsPort that is not a number is the Mqtt section's problem, reported there once.
            return int.TryParse(configuration["Mqtt:TlsPort"], out var tlsPort) && tlsPort != 0
                ? ValidateOptionsResult.Fail("Mqtt:TlsPort needs a certificate: set Tls:CertificatePath and Tls:KeyPath, or Tls:PfxPath.")
                : ValidateOptionsResult.Success;
        }

        try
        {
            using var certificate = CertificateFiles.Load(options);
            return certificate.HasPrivateKey
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Tls: the certificate has no private key.");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return ValidateOptionsResult.Fail($"Tls: the certificate could not be loaded: {error.Message}");
        }
    }
}
