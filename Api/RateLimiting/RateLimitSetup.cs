using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using CreatiWall.Api.Auth;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.RateLimiting;

/// <summary>Configuration section <c>RateLimit</c>: requests per caller (tenant and sub) per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;

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
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerCaller, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var caller = http.Caller();
                var (key, limit) = caller.IsAuthenticated
                    ? ($"caller:{caller.Principal.Tenant}/{caller.Principal.Subject}", options.PermitLimit)
                    : ($"address:{http.Connection.RemoteIpAddress}", options.UnauthenticatedPermitLimit);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit,
                    Window = TimeSpan.FromSeconds(options.WindowSeconds),
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }
}
