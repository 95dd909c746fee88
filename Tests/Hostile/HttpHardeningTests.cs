using System.Net;
using System.Net.WebSockets;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// What browsers are told (real HTTP requests): security headers on the dashboard and the API, CORS for the REST API only
/// for configured origins, and the MQTT WebSocket upgrade only with the <c>mqtt</c> subprotocol and an allowed Origin.
/// </summary>
public sealed class HttpHardeningTests(HttpHardeningTests.Host host) : IClassFixture<HttpHardeningTests.Host>
{
    const string Cms = "https://cms.example.com", Screens = "https://screens.example.com", Evil = "https://evil.example.net";

    public sealed class Host : BrokerHost
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Api__CorsOrigins__0"] = Cms,
            ["Mqtt__AllowedOrigins__0"] = Screens,
        };
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/api/websocket/status")] // 401 without a token: headers all the same
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var response = await host.Http.GetAsync(path);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
    }

    [Fact]
    public async Task A_configured_origin_may_call_the_api_from_a_browser()
    {
        using var preflight = await PreflightAsync(Cms);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Cms, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", Header(preflight, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/websocket/status");
        request.Headers.Add("Origin", Cms);
        request.Headers.Authorization = new("Bearer", host.Token(Tenants.New(), "root", Role.Admin));
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Cms, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_grant_for_the_api()
    {
        using var preflight = await PreflightAsync(Evil);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/websocket/status");
        request.Headers.Add("Origin", Evil);
        request.Headers.Authorization = new("Bearer", host.Token(Tenants.New(), "root", Role.Admin));
        using var response = await host.Http.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin")); // the browser hides the answer from the page
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.BadRequest)] // no subprotocol
    [InlineData("chat", null, HttpStatusCode.BadRequest)]
    [InlineData("mqtt", Evil, HttpStatusCode.Forbidden)]
    [InlineData("mqtt", "https://screens.example.com.evil.example.net", HttpStatusCode.Forbidden)]
    [InlineData("mqtt", Screens, HttpStatusCode.SwitchingProtocols)]
    [InlineData("mqtt", null, HttpStatusCode.SwitchingProtocols)] // not a browser: no Origin
    public async Task The_websocket_upgrade_needs_the_mqtt_subprotocol_and_an_allowed_origin(string? subprotocol, string? origin, HttpStatusCode expected)
    {
        Assert.Equal(expected, await UpgradeAsync(host.WebSocketUri, subprotocol, origin));
    }

    [Fact]
    public async Task An_mqtt_client_connects_over_websocket_with_an_allowed_origin()
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "alice"), transport: Transport.WebSocket,
            configure: o => o.WithWebSocketServer(w => w.WithUri(host.WebSocketUri).WithRequestHeaders(new Dictionary<string, string> { ["Origin"] = Screens })));
        Assert.True(client.Accepted);
    }

    async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/websocket/broadcast");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await host.Http.SendAsync(request);
    }

    /// <summary>The status a WebSocket upgrade gets (101 when it succeeds).</summary>
    public static async Task<HttpStatusCode> UpgradeAsync(string uri, string? subprotocol, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subprotocol is not null)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await socket.ConnectAsync(new Uri(uri), CancellationToken.None);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
}

/// <summary>The defaults on the shared host: no CORS origin at all, any Origin for WebSocket, the subprotocol still required.</summary>
[Collection(SharedHost.Name)]
public sealed class HttpDefaultsTests(BrokerHost host)
{
    [Fact]
    public async Task By_default_no_origin_may_call_the_api_from_a_browser()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/websocket/broadcast");
        request.Headers.Add("Origin", "https://cms.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await host.Http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.BadRequest)]
    [InlineData("mqtt", HttpStatusCode.SwitchingProtocols)]
    public async Task By_default_any_origin_may_upgrade_with_the_mqtt_subprotocol(string? subprotocol, HttpStatusCode expected) =>
        Assert.Equal(expected, await HttpHardeningTests.UpgradeAsync(host.WebSocketUri, subprotocol, "https://anywhere.example.org"));

    [Theory]
    [InlineData("Api__CorsOrigins__0", "https://cms.example.com/", "Api:CorsOrigins")]
    [InlineData("Mqtt__AllowedOrigins__0", "*", "Mqtt:AllowedOrigins")]
    public async Task A_malformed_origin_stops_the_host_with_one_line(string key, string value, string named)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["JWT_SECRET"] = BrokerHost.Secret,
            ["Mqtt__TcpPort"] = "0",
            [key] = value,
        };
        await using var process = ChildProcess.Start("dotnet", [RepoPaths.ApiDll, "--urls", $"http://127.0.0.1:{Ports.Free()}"], environment, Path.GetDirectoryName(RepoPaths.ApiDll));
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the host did not stop");

        Assert.NotEqual(0, process.ExitCode);
        var line = Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains($"{named} must list origins", line);
    }
}
