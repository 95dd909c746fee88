using CreatiWall.Broker.Metrics;
using OpenTelemetry.Metrics;

namespace CreatiWall.Api.Observability;

public static class MetricsSetup
{
    /// <summary>The broker's meter and ASP.NET Core's, exported through OpenTelemetry in Prometheus text format.</summary>
    public static WebApplicationBuilder AddMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BrokerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary><c>GET /metrics</c>.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
