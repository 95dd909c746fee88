using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Tls;

/// <summary>
/// The server certificate, reloaded when its files change: each TLS handshake asks for <see cref="Current"/>, which looks
/// at the files' times at most once a second. A renewed certificate is served to the next connection; connections
/// already up keep theirs (nobody is logged out). A file that cannot be read (half written) keeps the previous one.
/// </summary>
internal sealed partial class CertificateFiles(IOptions<TlsOptions> options, TimeProvider time, ILogger<CertificateFiles> logger) : IDisposable
{
    static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    readonly Lock _gate = new();
    X509Certificate2? _current;
    DateTime _filesWritten;
    DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (_current is not null && now - _checkedAt < CheckEvery)
                {
                    return _current;
                }

                _checkedAt = now;
                var written = LastWrite(options.Value);
                if (_current is null || written != _filesWritten)
                {
                    try
                    {
                        var loaded = Load(options.Value);
                        (_current, _filesWritten) = (loaded, written);
                        LogLoaded(loaded.Subject, loaded.Thumbprint, loaded.NotAfter);
                    }
                    catch (Exception error) when (_current is not null && error is IOException or System.Security.Cryptography.CryptographicException)
                    {
                        LogNotReloaded(error.Message); // replaced file not complete yet: try again at the next check
                    }
                }

                return _current;
            }
        }
    }

    public static X509Certificate2 Load(TlsOptions options)
    {
        if (options.PfxPath is { Length: > 0 } pfx)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(pfx, options.PfxPassword);
        }

        // SslStream wants a key it can use later on every platform: go through PKCS#12 once.
        using var pem = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    static DateTime LastWrite(TlsOptions options) => options.PfxPath is { Length: > 0 } pfx
        ? File.GetLastWriteTimeUtc(pfx)
        : new[] { File.GetLastWriteTimeUtc(options.CertificatePath!), File.GetLastWriteTimeUtc(options.KeyPath!) }.Max();

    public void Dispose() => _current?.Dispose();

    [LoggerMessage(LogLevel.Information, "TLS certificate loaded: {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    partial void LogLoaded(string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(LogLevel.Warning, "TLS certificate files changed but could not be loaded ({Reason}); the previous certificate is served")]
    partial void LogNotReloaded(string reason);
}
