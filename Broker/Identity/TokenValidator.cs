using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Broker.Identity;

/// <summary>
/// The one place that turns a JWT into a <see cref="Principal"/>; MQTT passwords and REST bearer tokens both use it.
/// </summary>
public sealed class TokenValidator
{
    public const int MaxTokenBytes = 8 * 1024;

    readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaxTokenBytes };
    readonly TokenValidationParameters _parameters;
    readonly TimeProvider _time;
    readonly SecurityKey? _secretKey;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? _authority;

    public TokenValidator(IOptions<JwtOptions> options, TimeProvider? time = null)
    {
        var jwt = options.Value;
        _time = time ?? TimeProvider.System;
        _secretKey = jwt.SecretBytes.Length > 0 ? new SymmetricSecurityKey(jwt.SecretBytes) : null;
        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            // Discovery document and keys, fetched on first use and refreshed as the library sees fit (daily by default).
            _authority = new ConfigurationManager<OpenIdConnectConfiguration>(
                jwt.Authority.TrimEnd('/') + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = jwt.RequireHttpsMetadata });
        }

        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = _secretKey is null ? [] : [_secretKey],
            ValidAlgorithms = _authority is null
                ? [SecurityAlgorithms.HmacSha256]
                : [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            ValidateIssuer = !string.IsNullOrEmpty(jwt.Issuer),
            ValidIssuer = jwt.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(jwt.Audience),
            ValidAudience = jwt.Audience,
            ValidateIssuerSigningKey = true,
            LifetimeValidator = ValidateLifetime,
        };
    }

    public async Task<TokenValidation> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenValidation.Refused(TokenProblem.Missing);
        }

        if (token.Length > MaxTokenBytes)
        {
            return TokenValidation.Refused(TokenProblem.Malformed, $"{token.Length} characters long: at most {MaxTokenBytes}");
        }

        if (!_handler.CanReadToken(token))
        {
            return TokenValidation.Refused(TokenProblem.Malformed, "not a JWT (header.payload.signature, each base64url)");
        }

        var parameters = await ParametersAsync().ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            var problem = Classify(result.Exception);
            return TokenValidation.Refused(problem, Explain(problem, result.Exception, token, parameters));
        }

        return ToPrincipal((JsonWebToken)result.SecurityToken);
    }

    /// <summary>With an authority: its current keys next to the secret (if any). An unreachable authority leaves the secret.</summary>
    async Task<TokenValidationParameters> ParametersAsync()
    {
        if (_authority is null)
        {
            return _parameters;
        }

        try
        {
            var configuration = await _authority.GetConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
            var parameters = _parameters.Clone();
            parameters.IssuerSigningKeys = _secretKey is null ? configuration.SigningKeys : [.. configuration.SigningKeys, _secretKey];
            return parameters;
        }
        catch (InvalidOperationException)
        {
            return _parameters;
        }
    }

    static TokenValidation ToPrincipal(JsonWebToken jwt)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        if (WrongContractType(claims) is { } wrongType)
        {
            return TokenValidation.Refused(TokenProblem.WrongClaimType, wrongType);
        }

        if (!jwt.TryGetPayloadValue<string>("tenant", out var tenant) || string.IsNullOrEmpty(tenant))
        {
            return TokenValidation.Refused(TokenProblem.MissingTenant, claims.TryGetProperty("tenant", out var claim) && claim.ValueKind != JsonValueKind.String
                ? $"tenant is {KindOf(claim)}, not an id string"
                : "no tenant claim");
        }

        jwt.TryGetPayloadValue<string>("role", out var roleClaim);
        if (!Roles.TryParse(roleClaim, out var role))
        {
            return TokenValidation.Refused(TokenProblem.UnknownRole, $"role {Quote(roleClaim)} is not admin, user, device or ops");
        }

        var tenantValid = Ids.IsValid(tenant) || (role == Role.Ops && tenant == Principal.AllTenants);
        var subject = jwt.Subject;
        if (!tenantValid)
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, tenant == Principal.AllTenants
                ? $"tenant '{Principal.AllTenants}' (all tenants) is for role ops only"
                : $"tenant {Quote(tenant)} is not a valid id");
        }

        if (!Ids.IsValid(subject))
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, claims.TryGetProperty("sub", out var sub) && sub.ValueKind != JsonValueKind.String
                ? $"sub is {KindOf(sub)}, not an id string"
                : string.IsNullOrEmpty(subject) ? "no sub claim" : $"sub {Quote(subject)} is not a valid id");
        }

        if (!TryReadDevices(jwt, out var devices, out var badDevice))
        {
            return TokenValidation.Refused(TokenProblem.InvalidId, badDevice);
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        // A device token always acts as its own device.
        var actingDevice = role == Role.Device ? subject : null;
        return TokenValidation.Valid(new Principal(tenant, subject, role, devices, expires, actingDevice));
    }

    /// <summary>
    /// The claims' JSON types, read from the payload itself: the token library turns a string <c>exp</c> into a date and
    /// skips a <c>devices</c> that is not an array, where RFC 7519 and the contract want them refused. Null when all fit,
    /// else what does not.
    /// </summary>
    static string? WrongContractType(JsonElement claims)
    {
        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
        {
            return exp.ValueKind == JsonValueKind.Undefined ? "no exp claim" : $"exp is {KindOf(exp)}, not a number";
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind != JsonValueKind.Number)
        {
            return $"nbf is {KindOf(nbf)}, not a number";
        }

        return claims.TryGetProperty("devices", out var devices) && devices.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)
            ? $"devices is {KindOf(devices)}, not an array of ids"
            : null;
    }

    static bool TryReadDevices(JsonWebToken jwt, out IReadOnlySet<string> devices, out string problem)
    {
        devices = new HashSet<string>(StringComparer.Ordinal);
        problem = "";
        if (!jwt.TryGetPayloadValue<JsonElement>("devices", out var element))
        {
            return true;
        }

        var set = (HashSet<string>)devices;
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || !Ids.IsValid(item.GetString()))
                    {
                        problem = item.ValueKind == JsonValueKind.String
                            ? $"devices: {Quote(item.GetString())} is not a valid id"
                            : $"devices holds {KindOf(item)}, not an id string";
                        return false;
                    }

                    set.Add(item.GetString()!);
                }

                return true;
            case JsonValueKind.Null:
                return true;
            default:
                problem = $"devices is {KindOf(element)}, not an array of ids";
                return false;
        }
    }

    /// <summary>
    /// What the refusal found, in words and figures (<see cref="TokenValidation.Detail"/>); the token is read again only
    /// to quote the values at fault. Null when <see cref="TokenValidation.Describe"/> says it all.
    /// </summary>
    string? Explain(TokenProblem problem, Exception? exception, string token, TokenValidationParameters parameters)
    {
        JsonWebToken? jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            jwt = null;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var skew = $"clock skew {(long)parameters.ClockSkew.TotalSeconds} s";
        switch (problem)
        {
            case TokenProblem.Expired:
                var expires = (exception as SecurityTokenExpiredException)?.Expires is { } e && e != default ? e : jwt?.ValidTo ?? default;
                return $"expired {Seconds(now - expires)} s ago (exp {Utc(expires)}, {skew})";
            case TokenProblem.NotYetValid:
                var notBefore = (exception as SecurityTokenNotYetValidException)?.NotBefore is { } n && n != default ? n : jwt?.ValidFrom ?? default;
                return $"not valid for another {Seconds(notBefore - now)} s (nbf {Utc(notBefore)}, {skew})";
            case TokenProblem.WrongIssuer:
                return string.IsNullOrEmpty(jwt?.Issuer)
                    ? $"no issuer (iss): {Quote(parameters.ValidIssuer)} is required"
                    : $"issuer {Quote(jwt.Issuer)} is not {Quote(parameters.ValidIssuer)}";
            case TokenProblem.WrongAudience:
                var audiences = jwt?.Audiences.ToArray() ?? [];
                return audiences.Length == 0
                    ? $"no audience (aud): {Quote(parameters.ValidAudience)} is required"
                    : audiences.Length == 1
                        ? $"audience {Quote(audiences[0])} is not {Quote(parameters.ValidAudience)}"
                        : $"audiences {string.Join(", ", audiences.Select(Quote))} do not include {Quote(parameters.ValidAudience)}";
            case TokenProblem.Unsigned or TokenProblem.BadSignature when jwt is not null:
                if (string.IsNullOrEmpty(jwt.Alg) || jwt.Alg == "none" || string.IsNullOrEmpty(jwt.EncodedSignature))
                {
                    return $"unsigned (alg {Quote(jwt.Alg)}, {(string.IsNullOrEmpty(jwt.EncodedSignature) ? "no" : "a")} signature)";
                }

                if (!parameters.ValidAlgorithms.Contains(jwt.Alg))
                {
                    return $"alg {Quote(jwt.Alg)} is not accepted: {string.Join(", ", parameters.ValidAlgorithms)} only";
                }

                return exception is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
                    ? string.IsNullOrEmpty(jwt.Kid) ? "signed with another key" : $"signed with another key (kid {Quote(jwt.Kid)})"
                    : null;
            default:
                return null;
        }
    }

    static long Seconds(TimeSpan span) => (long)Math.Round(span.TotalSeconds);

    /// <summary>A token's time (the library reads them as UTC), without converting it as if it were local.</summary>
    static string Utc(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    /// <summary>A claim value in quotes, shortened, control characters escaped: it comes from whoever made the token.</summary>
    static string Quote(string? value)
    {
        var text = value ?? "";
        var quoted = new System.Text.StringBuilder("'");
        foreach (var c in text.Length > 64 ? text[..64] : text)
        {
            quoted.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        }

        return quoted.Append(text.Length > 64 ? "…'" : "'").ToString();
    }

    bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("no exp");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (notBefore is { } nbf && nbf > now + parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("nbf in the future") { NotBefore = nbf };
        }

        if (expires.Value < now - parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("expired") { Expires = expires.Value };
        }

        return true;
    }

    static TokenProblem Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => TokenProblem.Expired,
        SecurityTokenNotYetValidException => TokenProblem.NotYetValid,
        SecurityTokenNoExpirationException => TokenProblem.NoExpiry,
        SecurityTokenInvalidIssuerException => TokenProblem.WrongIssuer,
        SecurityTokenInvalidAudienceException => TokenProblem.WrongAudience,
        SecurityTokenInvalidAlgorithmException => TokenProblem.Unsigned,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => TokenProblem.BadSignature,
        SecurityTokenMalformedException or ArgumentException => TokenProblem.Malformed,
        _ => TokenProblem.BadSignature,
    };
}
