namespace CreatiWall.Broker.Identity;

/// <summary>Why a token was refused. Logged and returned as the MQTT reason string; never contains the token.</summary>
public enum TokenProblem
{
    None,
    Missing,
    Malformed,
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "the JWT term; the metric reason token-unsigned is named after it")]
    Unsigned,
    BadSignature,
    Expired,
    NotYetValid,
    NoExpiry,
    WrongIssuer,
    WrongAudience,
    MissingTenant,
    InvalidId,
    UnknownRole,
    WrongClaimType,
    Revoked,
}

public sealed record TokenValidation(Principal? Principal, TokenProblem Problem)
{
    public bool IsValid => Principal is not null;

    /// <summary>
    /// The refusal in words, with its figures, for the operator's <c>checktoken</c> command: <c>expired 120 s ago</c>,
    /// <c>issuer 'x' is not 'y'</c>, <c>sub 'a/b' is not a valid id</c>. It quotes (shortened) claim values, so it is
    /// neither sent to clients nor logged: <see cref="Describe"/> is. Null when there is nothing to add to it.
    /// </summary>
    public string? Detail { get; init; }

    public static TokenValidation Valid(Principal principal) => new(principal, TokenProblem.None);

    public static TokenValidation Refused(TokenProblem problem, string? detail = null) => new(null, problem) { Detail = detail };

    /// <summary><see cref="Detail"/> when there is one, else <see cref="Describe"/>.</summary>
    public string Explain() => Detail ?? Describe();

    public string Describe() => Problem switch
    {
        TokenProblem.None => "valid",
        TokenProblem.Missing => "no token: the password must be a JWT",
        TokenProblem.Malformed => "the token is not a well-formed JWT",
        TokenProblem.Unsigned => "the token is unsigned or not HS256",
        TokenProblem.BadSignature => "the token's signature is wrong",
        TokenProblem.Expired => "the token has expired",
        TokenProblem.NotYetValid => "the token is not valid yet",
        TokenProblem.NoExpiry => "the token has no exp claim",
        TokenProblem.WrongIssuer => "the token's issuer is not accepted",
        TokenProblem.WrongAudience => "the token's audience is not accepted",
        TokenProblem.MissingTenant => "the token has no tenant claim",
        TokenProblem.InvalidId => "the token's tenant, sub or devices are not valid ids",
        TokenProblem.UnknownRole => "the token's role is not admin, user, device or ops",
        TokenProblem.WrongClaimType => "a claim of the token has the wrong type: exp and nbf are numbers, tenant and sub strings, devices an array of ids",
        TokenProblem.Revoked => "the token has been revoked",
        _ => Problem.ToString(),
    };
}
