namespace CreatiWall.Broker.Identity;

/// <summary>Why a token was refused. Logged and returned as the MQTT reason string; never contains the token.</summary>
public enum TokenProblem
{
    None,
    Missing,
    Malformed,
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
}

public sealed record TokenValidation(Principal? Principal, TokenProblem Problem)
{
    public bool IsValid => Principal is not null;

    public static TokenValidation Valid(Principal principal) => new(principal, TokenProblem.None);

    public static TokenValidation Refused(TokenProblem problem) => new(null, problem);

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
        TokenProblem.WrongClaimType => "a claim of the token has the wrong type: exp and nbf are numbers, devices an array of ids",
        _ => Problem.ToString(),
    };
}
