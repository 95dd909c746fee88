using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

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

    /// <summary>How long a revocation is kept: issue tokens that live no longer than this.</summary>
    public int RevocationDays { get; set; } = 30;

    /// <summary>How often each node reads the revocations again (those made on other nodes of a cluster).</summary>
    public int RevocationRefreshSeconds { get; set; } = 2;

    /// <summary>
    /// HS256 keys named by their <c>kid</c>, for rotation without downtime: the first signs (list a new key first), every
    /// key listed verifies (a token names its key in its header), and <see cref="Secret"/>, if also set, verifies tokens
    /// that name none. Remove a key once the tokens it signed have expired: its tokens are refused from then on.
    /// </summary>
    public List<JwtKey> Keys { get; set; } = [];

    /// <summary>Every HS256 key that verifies tokens: the listed ones with their kid, then the secret.</summary>
    internal IReadOnlyList<SymmetricSecurityKey> VerifyingKeys =>
    [
        .. Keys.Select(k => new SymmetricSecurityKey(k.SecretBytes) { KeyId = k.Kid }),
        .. SecretBytes.Length > 0 ? [new SymmetricSecurityKey(SecretBytes)] : Array.Empty<SymmetricSecurityKey>(),
    ];

    /// <summary>The key tokens are signed with: the first of <see cref="Keys"/>, else the secret.</summary>
    internal SigningCredentials SigningCredentials => VerifyingKeys.Count > 0
        ? new(VerifyingKeys[0], SecurityAlgorithms.HmacSha256)
        : throw new InvalidOperationException("no HS256 key to sign with: set JWT_SECRET (Jwt:Secret) or Jwt:Keys");
}

/// <summary>One entry of <c>Jwt:Keys</c>.</summary>
public sealed class JwtKey
{
    public string? Kid { get; set; }

    public string? Secret { get; set; }

    public byte[] SecretBytes => Encoding.UTF8.GetBytes(Secret ?? "");
}

/// <summary>Start-up check of <see cref="JwtOptions"/>: one message per problem, naming the setting.</summary>
public sealed partial class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (options.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail($"Jwt:Authority '{authority}' is not an absolute URL.");
        }

        foreach (var (key, i) in options.Keys.Select((k, i) => (k, i)))
        {
            if (key.Kid is null || !KidPattern().IsMatch(key.Kid))
            {
                return ValidateOptionsResult.Fail($"Jwt:Keys:{i}:Kid must be 1 to 64 letters, digits, '.', '_' or '-'.");
            }

            if (options.Keys.Count(k => k.Kid == key.Kid) > 1)
            {
                return ValidateOptionsResult.Fail($"Jwt:Keys: the kid '{key.Kid}' is listed twice.");
            }

            if (key.SecretBytes.Length < JwtOptions.MinimumSecretBytes)
            {
                return ValidateOptionsResult.Fail($"Jwt:Keys:{i}:Secret (kid '{key.Kid}') is {key.SecretBytes.Length} bytes: it must be at least {JwtOptions.MinimumSecretBytes} bytes.");
            }
        }

        var bytes = options.SecretBytes.Length;
        if (bytes == 0 && options.Keys.Count == 0 && string.IsNullOrEmpty(options.Authority))
        {
            return ValidateOptionsResult.Fail("JWT_SECRET (Jwt:Secret) is not set: set it to a random secret of at least 32 bytes (or set Jwt:Authority).");
        }

        if (bytes is > 0 and < JwtOptions.MinimumSecretBytes)
        {
            return ValidateOptionsResult.Fail($"JWT_SECRET (Jwt:Secret) is {bytes} bytes: it must be at least {JwtOptions.MinimumSecretBytes} bytes.");
        }

        if (options.RevocationDays is < 1 or > 3650 || options.RevocationRefreshSeconds is < 1 or > 300)
        {
            return ValidateOptionsResult.Fail("Jwt:RevocationDays must be between 1 and 3650, Jwt:RevocationRefreshSeconds between 1 and 300.");
        }

        return options.ClockSkewSeconds is < 0 or > 3600
            ? ValidateOptionsResult.Fail("Jwt:ClockSkewSeconds must be between 0 and 3600.")
            : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KidPattern();
}
