using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using CreatiWall.Api.Auth;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.RateLimiting;

/// <summary>Configuration section <c>RateLimit</c>: requests per caller (tenant and sub), per tenant, and per address per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;

    /// <summary>Requests of all the callers of one tenant together per window: one tenant cannot take the host's REST API for itself.</summary>
    [Range(1, 100_000_000)]
    public int TenantPermitLimit { get; set; } = 6000;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>
    /// Requests without a valid token per remote address per window: each gets 401, but guessing tokens is not free.
    /// </summary>
    [Range(1, 1_000_000)]
    public int UnauthenticatedPermitLimit { get; set; } = 60;
}

public static class RateLimitSetup
{
    public const string PerCaller = "per-caller";

    /// <summary>
    /// What every API route asks of its caller: a valid bearer token, and staying within the rate limit. The limiter runs
    /// before authorization (<c>UseRateLimiter</c> comes first), so requests with a bad token count too.
    /// </summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().RequireRateLimiting(PerCaller);

    public static WebApplicationBuilder AddRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RateLimitCounters>();
        builder.Services.AddSingleton(sp => Tenants(sp.GetRequiredService<IOptions<RateLimitOptions>>().Value));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerCaller, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var caller = http.Caller();
                if (!caller.IsAuthenticated)
                {
                    return RateLimitPartition.GetFixedWindowLimiter($"address:{http.Connection.RemoteIpAddress}", _ => Window(options.UnauthenticatedPermitLimit, options));
                }

                var (tenant, tenants) = (caller.Principal.Tenant, http.RequestServices.GetRequiredService<PartitionedRateLimiter<string>>());
                return RateLimitPartition.Get($"caller:{tenant}/{caller.Principal.Subject}",
                    _ => new TenantBoundLimiter(new FixedWindowRateLimiter(Window(options.PermitLimit, options)), tenants, tenant));
            });
            limiter.OnRejected = (rejected, _) =>
            {
                var http = rejected.HttpContext;
                var caller = http.Caller();
                var (limit, who) = !caller.IsAuthenticated
                    ? ("address", http.Connection.RemoteIpAddress?.ToString() ?? "unknown")
                    : (rejected.Lease.TryGetMetadata(TenantBoundLimiter.LimitMetadata, out var which) ? which as string ?? "user" : "user",
                        $"{caller.Principal.Tenant}/{caller.Principal.Subject}");
                http.RequestServices.GetRequiredService<RateLimitCounters>().Rejected(limit, who);
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>The tenants' shared limiters, one per tenant, each <c>RateLimit:TenantPermitLimit</c> per window.</summary>
    static PartitionedRateLimiter<string> Tenants(RateLimitOptions options) =>
        PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetFixedWindowLimiter(tenant, _ => Window(options.TenantPermitLimit, options)));

    static FixedWindowRateLimiterOptions Window(int permits, RateLimitOptions options) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromSeconds(options.WindowSeconds),
        QueueLimit = 0,
    };
}
