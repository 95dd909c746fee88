using System.Text;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker.Identity;

/// <summary>Configuration section <c>Jwt</c>. The environment variable <c>JWT_SECRET</c> also sets <see cref="Secret"/>.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";
    public const int MinimumSecretBytes = 32;

    /// <summary>HS256 signing secret shared with whoever issues tokens.</summary>
    public string? Secret { get; set; }

    /// <summary>When set, tokens must carry this <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>When set, tokens must carry this <c>aud</c>.</summary>
    public string? Audience { get; set; }

    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// An OpenID Connect issuer whose published keys (JWKS) also sign tokens (RS256, ES256), e.g.
    /// <c>https://login.example.com/realms/signage</c>. With it, <see cref="Secret"/> becomes optional.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The authority's metadata must come over HTTPS (turn off only for a local test issuer).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public byte[] SecretBytes => Encoding.UTF8.GetBytes(Secret ?? "");
}

/// <summary>Start-up check of <see cref="JwtOptions"/>: one message per problem, naming the setting.</summary>
public sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (options.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail($"Jwt:Authority '{authority}' is not an absolute URL.");
        }

        var bytes = options.SecretBytes.Length;
        if (bytes == 0 && string.IsNullOrEmpty(options.Authority))
        {
            return ValidateOptionsResult.Fail("JWT_SECRET (Jwt:Secret) is not set: set it to a random secret of at least 32 bytes (or set Jwt:Authority).");
        }

        if (bytes is > 0 and < JwtOptions.MinimumSecretBytes)
        {
            return ValidateOptionsResult.Fail($"JWT_SECRET (Jwt:Secret) is {bytes} bytes: it must be at least {JwtOptions.MinimumSecretBytes} bytes.");
        }

        return options.ClockSkewSeconds is < 0 or > 3600
            ? ValidateOptionsResult.Fail("Jwt:ClockSkewSeconds must be between 0 and 3600.")
            : ValidateOptionsResult.Success;
    }
}
