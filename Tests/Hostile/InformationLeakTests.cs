using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Hostile;

/// <summary><c>/metrics</c> lists every tenant's id and figures: only operators of all tenants read it on the public port.</summary>
[Collection(SharedHost.Name)]
public sealed class InformationLeakTests(BrokerHost host)
{
    [Fact]
    public async Task Metrics_need_a_token_of_an_operator_of_all_tenants()
    {
        var t = Tenants.New();
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetTextAsync("/metrics", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetTextAsync("/metrics", host.Token(t, "watcher", Role.Ops))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetTextAsync("/metrics", host.Token(t, "root", Role.Admin))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetTextAsync("/metrics", host.Token("*", "prometheus", Role.Ops))).Status);
    }
}

/// <summary>A host configured as behind a proxy: <c>/metrics</c> on a port of its own, public URLs set.</summary>
public sealed class ProxiedHost : BrokerHost
{
    public const string PublicUrl = "wss://signage.example.com/mqtt";

    public int MetricsPort { get; } = Ports.Free();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Metrics__Port"] = MetricsPort.ToString(),
        ["Mqtt__PublicWebSocketUrl"] = PublicUrl,
    };
}

public sealed class ProxiedHostTests(ProxiedHost host) : IClassFixture<ProxiedHost>
{
    [Fact]
    public async Task The_connect_route_gives_the_configured_urls_whatever_host_header_is_sent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/websocket/connect") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token("t1", "alice"));
        request.Headers.Host = "evil.example";
        using var response = await host.Http.SendAsync(request);

        var mqtt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("mqtt");
        Assert.Equal(ProxiedHost.PublicUrl, mqtt.GetProperty("webSocketUrl").GetString());
        Assert.Equal("signage.example.com", mqtt.GetProperty("tcpHost").GetString());
    }

    [Fact]
    public async Task With_a_metrics_port_metrics_are_served_there_without_a_token_and_only_there()
    {
        var metricsUrl = $"http://127.0.0.1:{host.MetricsPort}";
        var scraped = await host.GetTextAsync("/metrics", null, metricsUrl);
        Assert.Equal(HttpStatusCode.OK, scraped.Status);
        Assert.Contains("# TYPE cw_mqtt_connections", scraped.Text);

        Assert.Equal(HttpStatusCode.NotFound, (await host.GetTextAsync("/metrics", host.Token("*", "prometheus", Role.Ops))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetTextAsync("/api/websocket/status", host.Token("*", "ops", Role.Ops), metricsUrl)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetTextAsync("/", null, metricsUrl)).Status);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    public async Task The_public_port_serves_no_metrics_whatever_host_header_names_the_metrics_port(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"scraper.internal:{host.MetricsPort}";
        using var response = await host.Http.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("cw_mqtt", text, StringComparison.Ordinal);
    }
}
