namespace CreatiWall.Api.Mqtt;

/// <summary>
/// The MQTT path serves WebSocket upgrades and nothing else. MapConnectionHandler also maps <c>POST {path}/negotiate</c>
/// (which creates connection state for anyone, before any token is seen) and the long-polling verbs on the path itself,
/// whatever transports are allowed: all of them answer 404 here, before the dispatcher sees them.
/// </summary>
public static class WebSocketOnly
{
    /// <summary>Whether a request on or under <paramref name="mqttPath"/> is refused: all but a WebSocket request to the path itself.</summary>
    public static bool Refuses(PathString mqttPath, PathString path, bool isWebSocketRequest) =>
        path.StartsWithSegments(mqttPath, StringComparison.OrdinalIgnoreCase)
        && !(isWebSocketRequest && path.Equals(mqttPath, StringComparison.OrdinalIgnoreCase));

    /// <summary>Applies <see cref="Refuses"/>; put before the endpoints.</summary>
    public static IApplicationBuilder UseWebSocketOnly(this IApplicationBuilder app, PathString mqttPath) => app.Use((http, next) =>
    {
        if (Refuses(mqttPath, http.Request.Path, http.WebSockets.IsWebSocketRequest))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(http);
    });
}
