using MQTTnet.Server;

namespace CreatiWall.Api.Health;

public static class HealthApi
{
    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the MQTT server accepts connections.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", (MqttServer server) => server.IsStarted
                ? Results.Ok(new { status = "ready" })
                : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .ExcludeFromDescription();
        return app;
    }
}
