using CreatiWall.Broker.Storage;
using MQTTnet.Server;

namespace CreatiWall.Api.Health;

public static class HealthApi
{
    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the MQTT server accepts connections and storage answers.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", async (MqttServer server, IBrokerStore store) =>
            {
                if (!server.IsStarted)
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
