using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Mqtt;

namespace CreatiWall.Api.Health;

public static partial class HealthApi
{
    /// <summary>
    /// <c>/healthz</c>: the process answers. <c>/readyz</c>: the MQTT server accepts connections and the store passes its
    /// health ping (503 otherwise; the reason is logged, not shown).
    /// </summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", async (BrokerLifecycle broker, IStoreHealth store, ILoggerFactory logs, CancellationToken cancellationToken) =>
            {
                if (!broker.IsStarted)
                {
                    return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
                }

                var health = await store.PingAsync(cancellationToken);
                if (!health.Healthy)
                {
                    LogStoreUnhealthy(logs.CreateLogger(typeof(HealthApi).FullName!), health.Problem);
                    return Results.Json(new { status = "storage unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
                }

                return Results.Ok(new { status = "ready" });
            })
            .ExcludeFromDescription();
        return app;
    }

    [LoggerMessage(LogLevel.Warning, "Not ready: the store failed its health ping: {Problem}")]
    static partial void LogStoreUnhealthy(ILogger logger, string? problem);
}
