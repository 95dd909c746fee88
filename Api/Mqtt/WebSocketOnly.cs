using CreatiWall.Api.HttpSecurity;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// The MQTT path serves WebSocket upgrades and nothing else. MapConnectionHandler also maps <c>POST {path}/negotiate</c>
/// (which creates connection state for anyone, before any token is seen) and the long-polling verbs on the path itself,
/// whatever transports are allowed: all of them answer 404 here, before the dispatcher sees them. An upgrade must ask for
/// the <c>mqtt</c> subprotocol (else 400) and, when <c>Mqtt:AllowedOrigins</c> is set, come from one of those origins or
/// from a client that sends no <c>Origin</c> (else 403).
/// </summary>
public static class WebSocketOnly
{
    /// <summary>Whether a request on or under <paramref name="mqttPath"/> is refused: all but a WebSocket request to the path itself.</summary>
    public static bool Refuses(PathString mqttPath, PathString path, bool isWebSocketRequest) =>
        path.StartsWithSegments(mqttPath, StringComparison.OrdinalIgnoreCase)
        && !(isWebSocketRequest && path.Equals(mqttPath, StringComparison.OrdinalIgnoreCase));

    /// <summary>The status refusing a WebSocket upgrade on the MQTT path, or null when it may go on.</summary>
    public static int? UpgradeRefusal(IHeaderDictionary headers, string[] allowedOrigins)
    {
        var protocols = headers.SecWebSocketProtocol.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries));
        if (!protocols.Contains("mqtt", StringComparer.Ordinal))
        {
            return StatusCodes.Status400BadRequest;
        }

        return allowedOrigins.Length > 0 && headers.Origin is [{ } origin] && !Origins.Contains(allowedOrigins, origin) ? StatusCodes.Status403Forbidden
            : allowedOrigins.Length > 0 && headers.Origin.Count > 1 ? StatusCodes.Status403Forbidden
            : null;
    }

    /// <summary>Applies <see cref="Refuses"/> and <see cref="UpgradeRefusal"/>; put before the endpoints.</summary>
    public static IApplicationBuilder UseWebSocketOnly(this IApplicationBuilder app, PathString mqttPath)
    {
        var allowedOrigins = app.ApplicationServices.GetRequiredService<IOptions<WebSocketOriginOptions>>().Value.AllowedOrigins;
        return app.Use((http, next) =>
        {
            if (Refuses(mqttPath, http.Request.Path, http.WebSockets.IsWebSocketRequest))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            if (http.Request.Path.Equals(mqttPath, StringComparison.OrdinalIgnoreCase) && UpgradeRefusal(http.Request.Headers, allowedOrigins) is { } status)
            {
                http.Response.StatusCode = status;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }
}
