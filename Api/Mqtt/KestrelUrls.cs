using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// Kestrel ignores <c>--urls</c>/<c>ASPNETCORE_URLS</c> once an endpoint is configured in code (the MQTT TCP port),
/// so the HTTP addresses are bound here from the same setting.
/// </summary>
static class KestrelUrls
{
    const string DefaultUrls = "http://localhost:5000";

    /// <summary>Binds each of <paramref name="urls"/>; <c>https://</c> ones through <paramref name="https"/> (the configured certificate).</summary>
    public static void ListenOn(this KestrelServerOptions kestrel, string? urls, Action<ListenOptions> https)
    {
        foreach (var url in (string.IsNullOrWhiteSpace(urls) ? DefaultUrls : urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            Action<ListenOptions> configure = address.Scheme == "https" ? https : _ => { };
            var host = address.Host.Trim('[', ']');
            if (host == "localhost")
            {
                kestrel.ListenLocalhost(address.Port, configure);
            }
            else if (IPAddress.TryParse(host, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
            {
                kestrel.Listen(ip, address.Port, configure);
            }
            else
            {
                kestrel.ListenAnyIP(address.Port, configure); // '*', '+', 0.0.0.0, [::] and host names, as Kestrel does.
            }
        }
    }
}
