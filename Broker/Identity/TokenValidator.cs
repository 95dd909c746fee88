using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Broker.Identity;

/// <summary>
/// The one place that turns a JWT into a <see cref="Principal"/>; MQTT passwords and REST bearer tokens both use it.
/// </summary>
public sealed partial class TokenValidator
{
    public const int MaxTokenBytes = 8 * 1024;

    readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaxTokenBytes };
    readonly TokenValidationParameters _parameters;
    readonly TimeProvider _time;
    readonly IReadOnlyList<SecurityKey> _hmacKeys;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? _authority;

    readonly IRevocationList _revocations;

    public TokenValidator(IOptions<JwtOptions> options, TimeProvider? time = null, IRevocationList? revocations = null)
    {
        _revocations = revocations ?? IRevocationList.None;
        var jwt = options.Value;
        _time = time ?? TimeProvider.System;
        _hmacKeys = jwt.VerifyingKeys;
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
            IssuerSigningKeys = _hmacKeys,
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

    /// <summary>Whether <paramref name="principal"/>'s token has been revoked since it was validated.</summary>
    public bool IsRevoked(Principal principal) => _revocations.IsRevoked(principal);

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

        var validation = ToPrincipal((JsonWebToken)result.SecurityToken);
        return validation.Principal is { } principal && _revocations.IsRevoked(principal)
            ? TokenValidation.Refused(TokenProblem.Revoked)
            : validation;
    }

    /// <summary>With an authority: its current keys next to the HS256 keys (if any). An unreachable authority leaves those.</summary>
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
            parameters.IssuerSigningKeys = [.. configuration.SigningKeys, .. _hmacKeys];
            return parameters;
        }
        catch (InvalidOperationException)
        {
            return _parameters;
        }
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
