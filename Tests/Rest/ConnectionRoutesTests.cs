using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Rest;

/// <summary>connect, disconnect and status: the REST view of live MQTT connections.</summary>
[Collection(SharedHost.Name)]
public sealed class ConnectionRoutesTests(BrokerHost host)
{
    [Fact]
    public async Task Connect_tells_a_device_how_to_connect_and_that_works()
    {
        var t = Tenants.New();
        var token = host.Token(t, "alice", Role.User, ["screen-1"]);

        var reply = await host.PostAsync("/api/websocket/connect", token, new { deviceId = "screen-1" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var mqtt = reply.Data.GetProperty("mqtt");
        Assert.Equal($"ws://127.0.0.1:{host.HttpPort}/mqtt", mqtt.GetProperty("webSocketUrl").GetString());
        Assert.Equal(host.MqttPort, mqtt.GetProperty("tcpPort").GetInt32());
        Assert.Equal("screen-1", mqtt.GetProperty("username").GetString());
        Assert.Equal([$"tenant:{t}", "device:screen-1"], reply.Data.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        var topics = mqtt.GetProperty("topics").EnumerateArray().Select(x => x.GetString()!).ToArray();
        Assert.Equal([$"cw/{t}/broadcast", $"cw/{t}/devices/screen-1", $"cw/{t}/devices/screen-1/layout"], topics);

        await using var client = await TestClient.ConnectAsync(host, token, mqtt.GetProperty("username").GetString(),
            reply.Data.GetProperty("connectionId").GetString(), transport: Transport.WebSocket);
        Assert.True(client.Accepted);
        Assert.All(await client.SubscribeAsync(topics), code => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, code));
    }

    [Theory]
    [InlineData("""{"deviceId":"screen-2"}""", HttpStatusCode.Forbidden, "screen-2")]
    [InlineData("""{"deviceId":"a/b"}""", HttpStatusCode.BadRequest, "deviceId:")]
    [InlineData("""{"deviceId":"screen-1\n"}""", HttpStatusCode.BadRequest, "deviceId:")]
    [InlineData("""{"channels":["user:bob"]}""", HttpStatusCode.Forbidden, "user:bob")]
    [InlineData("""{"channels":["tenant:other"]}""", HttpStatusCode.Forbidden, "another tenant")]
    [InlineData("""{"channels":["cw/#"]}""", HttpStatusCode.BadRequest, "channels:")]
    [InlineData("""{"channels":"news"}""", HttpStatusCode.BadRequest, "$.channels")]
    public async Task Connect_refuses_devices_and_channels_the_caller_may_not_use(string body, HttpStatusCode status, string message)
    {
        var reply = await host.PostRawAsync("/api/websocket/connect", host.Token(Tenants.New(), "alice", Role.User, ["screen-1"]), body);
        Assert.Equal(status, reply.Status);
        Assert.Contains(message, reply.ErrorMessage);
    }

    [Fact]
    public async Task Disconnect_ends_ones_own_connection_with_0x98()
    {
        var t = Tenants.New();
        var token = host.Token(t, "alice");
        await using var client = await TestClient.ConnectAsync(host, token, clientId: "alice-tab-1");

        var reply = await host.PostAsync("/api/websocket/disconnect", token, new { connectionId = "alice-tab-1" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var ended = await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, ended.Reason);
    }

    [Fact]
    public async Task Disconnect_of_someone_elses_connection_is_refused_unless_admin_of_the_tenant()
    {
        var t = Tenants.New();
        var clientId = "bob-" + Guid.NewGuid().ToString("N")[..6];
        await using var bob = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: clientId);

        var byAlice = await host.PostAsync("/api/websocket/disconnect", host.Token(t, "alice"), new { connectionId = clientId });
        var byOtherTenantAdmin = await host.PostAsync("/api/websocket/disconnect", host.Token(Tenants.New(), "root", Role.Admin), new { connectionId = clientId });
        Assert.Equal(HttpStatusCode.Forbidden, byAlice.Status);
        Assert.Equal(HttpStatusCode.NotFound, byOtherTenantAdmin.Status);
        Assert.True(await bob.Client.TryPingAsync());

        var byAdmin = await host.PostAsync("/api/websocket/disconnect", host.Token(t, "root", Role.Admin), new { connectionId = clientId });
        Assert.Equal(HttpStatusCode.OK, byAdmin.Status);
        await bob.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Disconnect_of_an_unknown_connection_is_404()
    {
        var reply = await host.PostAsync("/api/websocket/disconnect", host.Token(Tenants.New(), "alice"), new { connectionId = "nobody-here" });
        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("not_found", reply.ErrorCode);
    }

    [Fact]
    public async Task Status_counts_the_tenants_live_connections_and_subscribers_per_channel()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        await alice.SubscribeAsync($"cw/{t}/broadcast", $"cw/{t}/users/alice");
        await using var bob = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await bob.SubscribeAsync($"cw/{t}/broadcast");
        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device));
        await using var stranger = await TestClient.ConnectAsync(host, host.Token(other, "eve"));
        await stranger.SubscribeAsync($"cw/{other}/broadcast");

        var reply = await host.GetAsync("/api/websocket/status", host.Token(t, "alice"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(3, reply.Data.GetProperty("totalConnections").GetInt32());
        Assert.Equal(1, reply.Data.GetProperty("devices").GetProperty("online").GetInt32());
        var channels = reply.Data.GetProperty("channels").EnumerateArray()
            .ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("subscribers").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [$"tenant:{t}"] = 2, ["user:alice"] = 1 }, channels);
        Assert.Equal(["alice", "bob"], reply.Data.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));

        var ops = await host.GetAsync("/api/websocket/status", host.Token("*", "watcher", Role.Ops));
        Assert.True(ops.Data.GetProperty("totalConnections").GetInt32() >= 3);
    }
}
