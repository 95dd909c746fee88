using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Revocations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Tokens;

/// <summary><paramref name="Jti"/>: one token; or <paramref name="Sub"/>: that subject's tokens issued before <paramref name="Before"/> (default: now).</summary>
public sealed record RevokeRequest(string? Jti = null, string? Sub = null, DateTimeOffset? Before = null);

public sealed record RevokeResponse(string Tenant, string? Jti, string? Sub, DateTimeOffset? Before, DateTimeOffset KeptUntil, int ConnectionsEnded);

/// <summary>Token revocation: a leaked token stops working at once, before it expires.</summary>
public static class TokensApi
{
    const int MaxJtiLength = 256;

    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder api)
    {
        api.MapPost("/tokens/revoke", RevokeAsync).WithTags("Tokens")
            .WithSummary("Revoke a token (jti) or a subject's tokens issued before a time: refused from now on, live connections ended (admins, their tenant).");
        return api;
    }

    static async Task<Results<Ok<ApiResponse<RevokeResponse>>, JsonHttpResult<ApiError>>> RevokeAsync(
        RevokeRequest request, CurrentCaller current, RevocationEnforcer revocations, TimeProvider time)
    {
        var caller = current.Principal;
        if (caller.Role != Role.Admin)
        {
            return Reply.Forbidden("only an admin of the tenant may revoke tokens");
        }

        if ((request.Jti is null) == (request.Sub is null))
        {
            return Reply.BadRequest("jti", "give either jti (one token) or sub (a subject's tokens), not both");
        }

        if (request.Jti is { } jti && (jti.Length is 0 or > MaxJtiLength || jti.Any(char.IsControl)))
        {
            return Reply.BadRequest("jti", $"must be 1 to {MaxJtiLength} printable characters");
        }

        if (request.Sub is { } sub && !Ids.IsValid(sub))
        {
            return Reply.BadRequest("sub", $"must match {Ids.Pattern}");
        }

        if (request.Jti is not null && request.Before is not null)
        {
            return Reply.BadRequest("before", "goes with sub only");
        }

        if (request.Before > time.GetUtcNow().AddMinutes(1))
        {
            return Reply.BadRequest("before", "must not be in the future (tokens not issued yet cannot be revoked)");
        }

        var outcome = await revocations.RevokeAsync(caller.Tenant, request.Jti, request.Sub, request.Before);
        var r = outcome.Revocation;
        return Reply.Ok(new RevokeResponse(r.Tenant, r.TokenId, r.Subject, r.Before, r.ExpiresAt, outcome.ConnectionsEnded));
    }
}
