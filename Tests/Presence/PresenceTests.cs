using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Presence;

/// <summary>Online/offline with the true reason, as a watcher of <c>cw/t/devices/+/status</c> and the device list see it.</summary>
[Collection(SharedHost.Name)]
public sealed class PresenceTests(BrokerHost host)
{
    [Fact]
    public async Task A_killed_device_goes_offline_with_network_error_after_its_will()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        await using var device = Mosquitto.StartSub(host, "mqttv311", "screen-1", host.Token(t, "screen-1", Role.Device),
            "-i", "screen-1", "-k", "30", "--will-topic", $"cw/{t}/devices/screen-1/status", "--will-payload", "will: screen-1 lost", "-t", $"cw/{t}/devices/screen-1/layout");
        await device.SubscribedAsync();
        await watcher.NextAsync("online");

        device.Process.Signal("KILL");

        Assert.Equal("will: screen-1 lost", await watcher.NextRawAsync());
        var offline = await watcher.NextAsync("offline");
        Assert.Equal("network-error", offline.GetProperty("reason").GetString());
        await AssertListedAsync(t, "screen-1", "offline", "network-error");
    }

    [Fact]
    public async Task A_clean_disconnect_is_clean_and_sends_no_will()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        var pub = await Mosquitto.PubAsync(host, "mqttv5", "screen-2", host.Token(t, "screen-2", Role.Device), $"cw/{t}/devices/screen-2/ack", "{}",
            "--will-topic", $"cw/{t}/devices/screen-2/status", "--will-payload", "will: must not be sent");
        Assert.Equal(0, pub.ExitCode);

        await watcher.NextAsync("online");
        var offline = await watcher.NextAsync("offline"); // the will would have come before this
        Assert.Equal("clean", offline.GetProperty("reason").GetString());
        await AssertListedAsync(t, "screen-2", "offline", "clean");
    }

    [Fact]
    public async Task An_mqttnet_clean_disconnect_followed_by_a_reset_is_still_clean()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-3", Role.Device), "screen-3",
            configure: o => o.WithWillTopic($"cw/{t}/devices/screen-3/status").WithWillPayload("will: must not be sent"));
        await watcher.NextAsync("online");

        await device.DisposeAsync(); // DISCONNECT, then close with linger 0 (a TCP reset)

        var offline = await watcher.NextAsync("offline");
        Assert.Equal("clean", offline.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_device_reconnecting_with_its_client_id_never_flickers_offline()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        var token = host.Token(t, "screen-4", Role.Device);
        await using var first = await TestClient.ConnectAsync(host, token, "screen-4", clientId: "screen-4");
        await watcher.NextAsync("online");

        await using var second = await TestClient.ConnectAsync(host, token, "screen-4", clientId: "screen-4");
        await first.Disconnected.WaitAsync(TimeSpan.FromSeconds(10)); // taken over
        await watcher.NextAsync("online");
        await second.Client.DisconnectAsync();

        var offline = await watcher.NextAsync("offline"); // the first connection's end wrote nothing
        Assert.Equal("clean", offline.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_device_with_a_second_connection_stays_online_when_the_first_drops()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        var token = host.Token(t, "screen-5", Role.Device);
        var old = await TestClient.ConnectAsync(host, token, "screen-5", clientId: "screen-5-a",
            configure: o => o.WithWillTopic($"cw/{t}/devices/screen-5/status").WithWillPayload("will: stale"));
        await watcher.NextAsync("online");
        await using var fresh = await TestClient.ConnectAsync(host, token, "screen-5", clientId: "screen-5-b");
        await watcher.NextAsync("online");

        old.Client.Dispose(); // the old connection drops without DISCONNECT

        await host.PostAsync("/api/websocket/broadcast", host.Token(t, "root", Role.Admin), new { type = "sentinel", data = new { } });
        await using var reader = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await reader.SubscribeAsync($"cw/{t}/devices/screen-5/status");
        var retained = JsonDocument.Parse((await reader.ReceiveAsync()).Payload).RootElement;
        Assert.Equal("online", retained.GetProperty("data").GetProperty("status").GetString());
        await AssertListedAsync(t, "screen-5", "online", null);
    }

    [Fact]
    public async Task Kicked_and_token_expired_are_reported()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        await using var kicked = await TestClient.ConnectAsync(host, host.Token(t, "screen-6", Role.Device), "screen-6", clientId: "screen-6");
        await watcher.NextAsync("online");
        await host.PostAsync("/api/websocket/disconnect", host.Token(t, "root", Role.Admin), new { connectionId = "screen-6" });
        Assert.Equal("kicked", (await watcher.NextAsync("offline")).GetProperty("reason").GetString());

        await using var expiring = await TestClient.ConnectAsync(host, host.Token(t, "screen-7", Role.Device, lifetime: TimeSpan.FromSeconds(2)), "screen-7");
        await watcher.NextAsync("online");
        Assert.Equal("token-expired", (await watcher.NextAsync("offline")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_device_list_shows_the_current_and_the_acknowledged_layout()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-8", Role.Device), "screen-8");
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "summer", deviceIds = new[] { "screen-8" } });
        var messageId = update.Data.GetProperty("messageId").GetString();

        await device.PublishAsync($"cw/{t}/devices/screen-8/ack",
            JsonSerializer.Serialize(new { type = "layout_ack", data = new { messageId, layoutId = "summer", status = "applied", error = (string?)null } }));

        // The ack is recorded off the device's packet loop (Layouts' queue), just after its PUBACK.
        JsonElement listed = default;
        await Eventually.HoldsAsync(async () =>
        {
            listed = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray().Single();
            return listed.TryGetProperty("lastAcknowledgedLayout", out var acked) && acked.ValueKind == JsonValueKind.Object;
        });
        Assert.Equal(("screen-8", "online"), (listed.GetProperty("id").GetString(), listed.GetProperty("status").GetString()));
        Assert.Equal("summer", listed.GetProperty("currentLayout").GetProperty("layoutId").GetString());
        Assert.Equal(messageId, listed.GetProperty("currentLayout").GetProperty("messageId").GetString());
        Assert.Equal(("summer", "applied"), (listed.GetProperty("lastAcknowledgedLayout").GetProperty("layoutId").GetString(),
            listed.GetProperty("lastAcknowledgedLayout").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_device_sees_only_itself_in_the_list_and_other_tenants_see_nothing()
    {
        var t = Tenants.New();
        await using var a = await TestClient.ConnectAsync(host, host.Token(t, "screen-a", Role.Device), "screen-a");
        await using var b = await TestClient.ConnectAsync(host, host.Token(t, "screen-b", Role.Device), "screen-b");

        var asDevice = await host.GetAsync("/api/devices", host.Token(t, "screen-a", Role.Device));
        var asUser = await host.GetAsync("/api/devices", host.Token(t, "alice"));
        var asStranger = await host.GetAsync("/api/devices", host.Token(Tenants.New(), "root", Role.Admin));

        Assert.Equal(["screen-a"], Ids(asDevice));
        Assert.Equal(["screen-a", "screen-b"], Ids(asUser));
        Assert.Empty(Ids(asStranger));
    }

    static string[] Ids(Support.Rest.Reply reply) =>
        reply.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToArray();

    async Task AssertListedAsync(string tenant, string device, string status, string? reason)
    {
        var reply = await host.GetAsync("/api/devices", host.Token(tenant, "root", Role.Admin));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var listed = reply.Data.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("id").GetString() == device);
        Assert.Equal(status, listed.GetProperty("status").GetString());
        Assert.Equal(reason, listed.GetProperty("reason").GetString());
    }
}
