using CreatiWall.Broker.Operations;

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
        app.MapGet("/readyz", async (BrokerOperations broker, ILoggerFactory logs, CancellationToken cancellationToken) =>
            {
                var readiness = await broker.ReadinessAsync(cancellationToken);
                if (readiness.Problem is { } problem)
                {
                    LogNotReady(logs.CreateLogger(typeof(HealthApi).FullName!), problem);
                }

                return readiness.Ready
                    ? Results.Ok(new { status = readiness.Status })
                    : Results.Json(new { status = readiness.Status }, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .ExcludeFromDescription();
        return app;
    }

    [LoggerMessage(LogLevel.Warning, "Not ready: {Problem}")]
    static partial void LogNotReady(ILogger logger, string problem);
}
