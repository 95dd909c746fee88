using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Mqtt;

namespace CreatiWall.Api.Health;

public static class HealthApi
{
    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the MQTT server accepts connections and storage answers.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", async (BrokerLifecycle broker, IBrokerStore store) =>
            {
                if (!broker.IsStarted)
                {
                    return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
                }

                await store.ListDevicesAsync("readyz"); // the store answers (throws, hence 500, if it cannot)
                return Results.Ok(new { status = "ready" });
            })
            .ExcludeFromDescription();
        return app;
    }
}
