using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Redis;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using ConnectionMultiplexer = StackExchange.Redis.ConnectionMultiplexer;

namespace CreatiWall.Tests.Durability;

/// <summary>The host in cluster mode (<c>Redis__ConnectionString</c>) on its own redis-server, started before the host.</summary>
public sealed class RedisBackedHost : BrokerHost, IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Redis__ConnectionString"] = Redis.ConnectionString };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await Redis.InitializeAsync();
        await InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>One node of a cluster: REST and MQTT served from Redis, and what it answers while Redis is down.</summary>
public sealed class RedisHostTests(RedisBackedHost host) : IClassFixture<RedisBackedHost>
{
    [Fact]
    public async Task Layouts_devices_and_retained_messages_live_in_redis_and_outlive_the_host()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await using (var editor = await TestClient.ConnectAsync(host, host.Token(t, "editor")))
        {
            await editor.PublishAsync($"cw/{t}/channels/menu", "today: soup", retain: true);
        }

        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "screen-1", "screen-2" } });
        Assert.Equal(HttpStatusCode.OK, update.Status);
        var messageId = update.Data.GetProperty("messageId").GetString()!;

        // Another node's view: the same store over its own connection.
        using var connection = ConnectionMultiplexer.Connect(host.Redis.ConnectionString);
        using var node = new RedisStore(connection, Options.Create(new StorageOptions()));
        Assert.Equal([("screen-1", "L1"), ("screen-2", "L1")], (await node.ListDevicesAsync(t)).Select(d => (d.DeviceId, d.CurrentLayoutId)));
        Assert.Equal([LayoutState.Pending, LayoutState.Pending], (await node.GetLayoutDeliveriesAsync(t, messageId)).Select(d => d.State));
        Assert.NotNull(await node.GetRetainedAsync($"cw/{t}/devices/screen-1/layout"));

        await host.CrashAndRestartAsync(); // nothing is loaded at start: subscriptions read through

        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await screen.SubscribeAsync($"cw/{t}/devices/screen-1/layout");
        var layout = JsonDocument.Parse((await screen.ReceiveAsync()).Payload).RootElement;
        Assert.Equal((messageId, "L1"), (layout.GetProperty("id").GetString(), layout.GetProperty("data").GetProperty("layoutId").GetString()));
        await screen.PublishAsync($"cw/{t}/devices/screen-1/ack", JsonSerializer.Serialize(new { type = "layout_ack", data = new { messageId, layoutId = "L1", status = "applied", error = (string?)null } }));

        await Eventually.HoldsAsync(async () => (await host.GetAsync($"/api/layout-updates/{messageId}", admin)).Data.GetProperty("devices")[0].GetProperty("state").GetString() == "applied");
        var devices = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.Equal(["screen-1", "screen-2"], devices.Keys);
        Assert.Equal("online", devices["screen-1"].GetProperty("status").GetString());
        Assert.Equal("L1", devices["screen-2"].GetProperty("currentLayout").GetProperty("layoutId").GetString());

        await using var reader = await TestClient.ConnectAsync(host, host.Token(t, "reader"));
        await reader.SubscribeAsync($"cw/{t}/channels/#"); // a wildcard: the tenant's retained set, read from Redis
        var menu = await reader.ReceiveAsync();
        Assert.Equal(($"cw/{t}/channels/menu", "today: soup"), (menu.Topic, TestClient.Text(menu)));
    }

    [Fact]
    public async Task While_redis_is_down_writes_answer_503_unavailable_and_the_node_is_not_ready()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await host.Redis.KillAsync();
        try
        {
            var write = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "screen-1" } });
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (write.Status, write.ErrorCode));
            Assert.False(write.Body.GetProperty("success").GetBoolean());
            var broadcast = await host.PostAsync("/api/websocket/broadcast", admin, new { type = "note", data = new { } });
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (broadcast.Status, broadcast.ErrorCode));
            Assert.NotEqual(HttpStatusCode.OK, (await host.Http.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            await host.Redis.StartAsync();
        }

        await Eventually.HoldsAsync(async () => (await host.Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK);
        var again = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L2", deviceIds = new[] { "screen-1" } });
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }
}
