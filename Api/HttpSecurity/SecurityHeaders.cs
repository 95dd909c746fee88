using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.HttpSecurity;

/// <summary>
/// Headers on every HTTP response (dashboard, REST, OpenAPI): the browser runs only the dashboard's own script and style
/// files (no inline script, no other origin), connects only back to this host (REST, MQTT over WebSocket) or the configured
/// public WebSocket URL, never shows the page inside another site's frame, never guesses content types, and sends no
/// referrer to other sites.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The Content-Security-Policy; <paramref name="publicWebSocketUrl"/> (<c>Mqtt:PublicWebSocketUrl</c>) is added to connect-src.</summary>
    public static string ContentSecurityPolicy(string? publicWebSocketUrl)
    {
        // 'self' covers ws:// and wss:// to this host and port (CSP Level 3).
        var connect = publicWebSocketUrl is null ? "'self'" : $"'self' {new Uri(publicWebSocketUrl).GetLeftPart(UriPartial.Authority)}";
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src {connect}; " +
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<MqttOptions>>().Value.PublicWebSocketUrl);
        var development = app.Environment.IsDevelopment();
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // Development serves the API reference (Scalar), which loads its script from elsewhere.
            if (!(development && http.Request.Path.StartsWithSegments("/scalar")))
            {
                headers.ContentSecurityPolicy = policy;
            }

            return next(http);
        });
        return app;
    }
}
