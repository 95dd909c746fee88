using System.Net;
using System.Text;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// The MQTT WebSocket path answers WebSocket upgrades only: SignalR-style negotiation and long-polling verbs, which
/// ASP.NET Core maps beside it and answer without a token, get 404 and create nothing.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class WebSocketPathTests(BrokerHost host)
{
    [Theory]
    [InlineData("POST", "/mqtt/negotiate")]
    [InlineData("POST", "/mqtt/negotiate?negotiateVersion=1")]
    [InlineData("POST", "/MQTT/negotiate")]
    [InlineData("GET", "/mqtt/negotiate")]
    [InlineData("POST", "/mqtt")]
    [InlineData("DELETE", "/mqtt")]
    [InlineData("PUT", "/mqtt")]
    [InlineData("GET", "/mqtt")] // a plain GET, no upgrade: long polling
    [InlineData("POST", "/mqtt/anything")]
    public async Task Requests_other_than_a_websocket_upgrade_get_404_and_nothing_else(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("connection", body, StringComparison.OrdinalIgnoreCase); // no connectionId, connectionToken or transports
    }

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.Tcp)]
    public async Task Mqtt_over_websocket_and_tcp_still_connects(Transport transport)
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "alice"), transport: transport);
        Assert.True(client.Accepted);
    }
}
