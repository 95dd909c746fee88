using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Durability;

/// <summary>Layout updates tracked per device: pending, delivered (QoS 1 acknowledged), applied or failed (the device's ack).</summary>
[Collection(SharedHost.Name)]
public sealed class LayoutTrackingTests(BrokerHost host)
{
    [Fact]
    public async Task A_layout_goes_from_pending_to_delivered_to_applied()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "screen-1", "screen-2" } });
        var messageId = update.Data.GetProperty("messageId").GetString();
        Assert.Equal(["pending", "pending"], await StatesAsync(admin, messageId!));

        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await screen.SubscribeAsync($"cw/{t}/devices/screen-1/layout");
        await screen.ReceiveAsync(); // MQTTnet acknowledges it (PUBACK)
        await Eventually.HoldsAsync(async () => (await StatesAsync(admin, messageId!))[0] == "delivered");

        await screen.PublishAsync($"cw/{t}/devices/screen-1/ack", JsonSerializer.Serialize(new { type = "layout_ack", data = new { messageId, layoutId = "L1", status = "applied", error = (string?)null } }));
        await Eventually.HoldsAsync(async () => (await StatesAsync(admin, messageId!))[0] == "applied");
        Assert.Equal("pending", (await StatesAsync(admin, messageId!))[1]);
    }

    [Fact]
    public async Task A_failed_apply_is_reported_with_its_error()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        var messageId = (await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L2", deviceIds = new[] { "screen-1" } })).Data.GetProperty("messageId").GetString();
        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");

        await screen.PublishAsync($"cw/{t}/devices/screen-1/ack", JsonSerializer.Serialize(new { type = "layout_ack", data = new { messageId, layoutId = "L2", status = "failed", error = "zone 'main' unknown" } }));

        await Eventually.HoldsAsync(async () => (await StatesAsync(admin, messageId!))[0] == "failed");
        var device = (await host.GetAsync($"/api/layout-updates/{messageId}", admin)).Data.GetProperty("devices")[0];
        Assert.Equal("zone 'main' unknown", device.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_device_offline_during_three_updates_gets_the_newest_on_reconnect()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        var token = host.Token(t, "screen-1", Role.Device);
        Action<MqttClientOptionsBuilder> persistent = o => o.WithCleanStart(false).WithSessionExpiryInterval(3600);
        await using (var first = await TestClient.ConnectAsync(host, token, "screen-1", clientId: $"{t}-screen-1", configure: persistent))
        {
            await first.SubscribeAsync($"cw/{t}/devices/screen-1/layout");
        }

        foreach (var layout in new[] { "one", "two", "three" })
        {
            await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = layout, deviceIds = new[] { "screen-1" } });
        }

        await using var back = await TestClient.ConnectAsync(host, token, "screen-1", clientId: $"{t}-screen-1", configure: persistent);
        await back.SubscribeAsync($"cw/{t}/devices/screen-1/layout");
        var received = new List<JsonElement>();
        while (received.Count == 0 || received.Max(e => e.GetProperty("seq").GetInt64()) < 3 || !received.Any(e => Layout(e) == "three"))
        {
            received.Add(JsonDocument.Parse((await back.ReceiveAsync()).Payload).RootElement);
        }

        var newest = received.MaxBy(e => e.GetProperty("seq").GetInt64());
        Assert.Equal("three", Layout(newest));
    }

    [Theory]
    [InlineData("not-an-id", HttpStatusCode.BadRequest)]
    [InlineData("0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound)]
    [InlineData("0123456789abcdef0123456789abcdef%0A", HttpStatusCode.BadRequest)] // a final newline is no id ('$' would allow it)
    public async Task Unknown_or_malformed_message_ids_are_refused(string messageId, HttpStatusCode status) =>
        Assert.Equal(status, (await host.GetAsync($"/api/layout-updates/{messageId}", host.Token(Tenants.New(), "root", Role.Admin))).Status);

    [Fact]
    public async Task Another_tenants_layout_update_is_not_found()
    {
        var messageId = (await host.PostAsync("/api/websocket/layout-update", host.Token("owner-t", "root", Role.Admin), new { layoutId = "x", deviceIds = new[] { "d" } }))
            .Data.GetProperty("messageId").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync($"/api/layout-updates/{messageId}", host.Token(Tenants.New(), "root", Role.Admin))).Status);
    }

    static string? Layout(JsonElement envelope) => envelope.GetProperty("data").GetProperty("layoutId").GetString();

    async Task<string[]> StatesAsync(string token, string messageId) =>
        (await host.GetAsync($"/api/layout-updates/{messageId}", token)).Data.GetProperty("devices").EnumerateArray()
            .Select(d => d.GetProperty("state").GetString()!).ToArray();
}
