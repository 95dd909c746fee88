using System.Security.Claims;
using CreatiWall.Broker.Identity;
using Microsoft.AspNetCore.Authentication;

namespace CreatiWall.Api.Auth;

/// <summary>
/// The caller of this request, as the broker's token validator read it (tenant, sub, role, devices). Injected into the
/// endpoints that need it, in the manner of TodoApi's CurrentUser; set when the request is authenticated.
/// </summary>
public sealed class CurrentCaller
{
    Principal? _principal;

    public bool IsAuthenticated => _principal is not null;

    public Principal Principal => _principal ?? throw new InvalidOperationException("The endpoint does not require authorization.");

    /// <summary>Copies the validated caller out of the identity the bearer handler built (<see cref="BearerAuthentication"/>).</summary>
    internal sealed class FromToken(CurrentCaller caller) : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            if (principal.Identity is ClaimsIdentity { IsAuthenticated: true, BootstrapContext: Principal validated })
            {
                caller._principal = validated;
            }

            return Task.FromResult(principal);
        }
    }
}
