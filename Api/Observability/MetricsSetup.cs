using System.ComponentModel.DataAnnotations;
using CreatiWall.Api.Auth;
using CreatiWall.Api.RateLimiting;
using CreatiWall.Broker;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace CreatiWall.Api.Observability;

/// <summary>Configuration section <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// When set, <c>/metrics</c> is served on this port only, without a token (for a scraper inside the trusted network),
    /// and no longer on the public port.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

public static class MetricsSetup
{
    const string AllTenantsOperators = "all-tenants-ops";

    /// <summary>The broker's meter and ASP.NET Core's, exported through OpenTelemetry in Prometheus text format.</summary>
    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BrokerServices.MeterName, RateLimitCounters.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AllTenantsOperators, policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http && http.Caller() is { IsAuthenticated: true, Principal.IsAllTenantsOps: true }));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (kestrel.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } port)
            {
                kestrel.ListenAnyIP(port);
            }
        });
        builder.Services.AddTransient<IStartupFilter, MetricsPortOnly>();
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c>: every tenant's figures, so only for operators of all tenants (Bearer token), or, with
    /// <c>Metrics:Port</c>, for whoever reaches that port, which serves nothing else.
    /// </summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is not { } port)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AllTenantsOperators).RequireRateLimiting(RateLimitSetup.PerCaller);
            return app;
        }

        app.MapPrometheusScrapingEndpoint("/metrics"); // on the metrics port only: MetricsPortOnly, by the connection's port
        return app;
    }

    /// <summary>
    /// With <c>Metrics:Port</c>: whether a request is answered 404 before anything else sees it. The metrics port answers
    /// <c>/metrics</c> and nothing else, and <c>/metrics</c> (in any case, with a trailing slash) is answered nowhere else.
    /// Judged by the port the connection came to, never by the <c>Host</c> header, which the client chooses.
    /// </summary>
    internal static bool Refuses(int metricsPort, int localPort, PathString path) => localPort == metricsPort
        ? !path.Equals("/metrics", StringComparison.Ordinal)
        : path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);

    /// <summary>Applies <see cref="Refuses"/> before any other middleware.</summary>
    sealed class MetricsPortOnly(IOptions<MetricsOptions> options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (options.Value.Port is { } port)
            {
                app.Use((http, rest) =>
                {
                    if (Refuses(port, http.Connection.LocalPort, http.Request.Path))
                    {
                        http.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    }

                    return rest(http);
                });
            }

            next(app);
        };
    }
}
