using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Tests.Support;

/// <summary>
/// A stand-in identity provider on loopback: an OpenID Connect discovery document and a JWKS with one RSA key,
/// and tokens signed with it (RS256).
/// </summary>
public sealed class OidcIssuer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly RSA _rsa = RSA.Create(2048);
    readonly CancellationTokenSource _stop = new();

    public OidcIssuer()
    {
        Port = Ports.Free();
        _listener.Prefixes.Add($"{Authority}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Authority => $"http://127.0.0.1:{Port}";

    public string Issue(string tenant, string subject, string role, RSA? signWith = null)
    {
        var key = new RsaSecurityKey(signWith ?? _rsa) { KeyId = "test-key" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["tenant"] = tenant, ["role"] = role },
            Issuer = Authority,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var body = context.Request.Url!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => JsonSerializer.Serialize(new { issuer = Authority, jwks_uri = $"{Authority}/jwks" }),
                "/jwks" => Jwks(),
                _ => null,
            };
            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    string Jwks()
    {
        var parameters = _rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", kid = "test-key", use = "sig", alg = "RS256", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _rsa.Dispose();
    }
}
