using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Broker.Identity;

/// <summary>Why a token was refused, in words and figures, for operators (<c>checktoken</c>, logs).</summary>
public sealed partial class TokenValidator
{
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
}
