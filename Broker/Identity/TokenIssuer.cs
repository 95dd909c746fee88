using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Broker.Identity;

/// <summary>Mints HS256 tokens with the configured signing key (<see cref="JwtOptions.SigningCredentials"/>): the dev <c>token</c> command, tests, simulated devices.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider? time = null)
{
    readonly JsonWebTokenHandler _handler = new();
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Issue(string tenant, string subject, Role role, IEnumerable<string>? devices = null, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null)
    {
        var jwt = options.Value;
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["tenant"] = tenant,
            ["role"] = role.ToClaim(),
            ["jti"] = Guid.NewGuid().ToString("N"), // names the token for revocation
        };
        if (devices?.ToArray() is { Length: > 0 } list)
        {
            claims["devices"] = list;
        }

        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        // An already expired token (for tests) still needs nbf < exp.
        var validFrom = notBefore?.UtcDateTime ?? (expires > now ? now : expires - TimeSpan.FromMinutes(1));
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = validFrom,
            NotBefore = validFrom,
            Expires = expires,
            Issuer = string.IsNullOrEmpty(jwt.Issuer) ? null : jwt.Issuer,
            Audience = string.IsNullOrEmpty(jwt.Audience) ? null : jwt.Audience,
            SigningCredentials = jwt.SigningCredentials,
        };
        return _handler.CreateToken(descriptor);
    }
}
