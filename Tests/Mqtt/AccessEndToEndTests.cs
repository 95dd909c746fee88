using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Mqtt;

/// <summary>The access rules through real clients: what is refused never reaches anyone.</summary>
[Collection(SharedHost.Name)]
public sealed class AccessEndToEndTests(BrokerHost host)
{
    [Theory]
    [InlineData(Transport.Tcp, Transport.WebSocket)]
    [InlineData(Transport.WebSocket, Transport.Tcp)]
    public async Task Tcp_and_websocket_clients_share_one_broker(Transport from, Transport to)
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"), transport: to);
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1], await subscriber.SubscribeAsync($"cw/{t}/broadcast"));
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"), transport: from, version: MqttProtocolVersion.V311);

        await publisher.PublishAsync($"cw/{t}/broadcast", "hello across transports");

        var message = await subscriber.ReceiveAsync();
        Assert.Equal(($"cw/{t}/broadcast", "hello across transports"), (message.Topic, TestClient.Text(message)));
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task A_user_sees_a_broadcast_from_another_user_of_the_tenant_with_mosquitto(string version)
    {
        var t = Tenants.New();
        await using var sub = Mosquitto.StartSub(host, version, "", host.Token(t, "bob"), "-t", $"cw/{t}/broadcast");
        Assert.EndsWith(": 1", await sub.SubscribedAsync());

        var pub = await Mosquitto.PubAsync(host, version, "", host.Token(t, "alice"), $"cw/{t}/broadcast", "screens on");

        Assert.Equal(0, pub.ExitCode);
        await sub.WaitForLineAsync(line => line == $"MSG cw/{t}/broadcast screens on");
    }

    [Fact]
    public async Task Publishing_into_another_tenant_is_refused_and_reaches_nobody()
    {
        var (t1, t2) = (Tenants.New(), Tenants.New());
        await using var victim = await TestClient.ConnectAsync(host, host.Token(t2, "bob"));
        await victim.SubscribeAsync($"cw/{t2}/broadcast");
        await using var attacker = await TestClient.ConnectAsync(host, host.Token(t1, "mallory", Role.Admin));
        await using var t2Admin = await TestClient.ConnectAsync(host, host.Token(t2, "root", Role.Admin));

        var refused = await attacker.PublishAsync($"cw/{t2}/broadcast", "injected");
        await t2Admin.PublishAsync($"cw/{t2}/broadcast", "sentinel");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Empty(await victim.ReceiveUntilAsync($"cw/{t2}/broadcast", "sentinel"));
    }

    [Fact]
    public async Task A_v311_publish_into_another_tenant_is_dropped()
    {
        var (t1, t2) = (Tenants.New(), Tenants.New());
        await using var victim = await TestClient.ConnectAsync(host, host.Token(t2, "bob"));
        await victim.SubscribeAsync($"cw/{t2}/broadcast");
        await using var t2Admin = await TestClient.ConnectAsync(host, host.Token(t2, "root", Role.Admin));

        var pub = await Mosquitto.PubAsync(host, "mqttv311", "", host.Token(t1, "mallory"), $"cw/{t2}/broadcast", "injected");
        await t2Admin.PublishAsync($"cw/{t2}/broadcast", "sentinel");

        Assert.Equal(0, pub.ExitCode); // MQTT 3.1.1 has no way to say no: the broker acknowledges and drops
        Assert.Empty(await victim.ReceiveUntilAsync($"cw/{t2}/broadcast", "sentinel"));
    }

    [Fact]
    public async Task Subscribing_into_another_tenant_is_refused_v5_and_v311()
    {
        var (t1, t2) = (Tenants.New(), Tenants.New());
        await using var v5 = await TestClient.ConnectAsync(host, host.Token(t1, "root", Role.Admin));
        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized],
            await v5.SubscribeAsync($"cw/{t2}/broadcast", $"cw/{t2}/devices/+/status"));

        await using var sub = Mosquitto.StartSub(host, "mqttv311", "", host.Token(t1, "alice"), "-t", $"cw/{t2}/broadcast", "-t", $"cw/{t1}/broadcast");
        Assert.EndsWith(": 128, 1", await sub.SubscribedAsync());
    }

    [Fact]
    public async Task A_plain_user_may_not_subscribe_to_the_whole_tenant_and_misses_other_users_messages()
    {
        var t = Tenants.New();
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.GrantedQoS1],
            await alice.SubscribeAsync($"cw/{t}/#", $"cw/{t}/users/alice"));
        await using var admin = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));

        await admin.PublishAsync($"cw/{t}/users/bob", "for bob only");
        await admin.PublishAsync($"cw/{t}/users/alice", "sentinel");

        Assert.Empty(await alice.ReceiveUntilAsync($"cw/{t}/users/alice", "sentinel"));
    }

    [Fact]
    public async Task A_shared_subscription_is_judged_by_its_filter()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        var codes = await alice.SubscribeAsync($"$share/g/cw/{other}/#", $"$share/g/cw/{t}/#");
        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized], codes);

        await using var sub = Mosquitto.StartSub(host, "mqttv311", "", host.Token(t, "alice"), "-t", $"$share/g/cw/{other}/#", "-t", $"cw/{t}/content");
        Assert.EndsWith(": 128, 1", await sub.SubscribedAsync());
    }

    [Fact]
    public async Task Only_operators_see_sys_and_everything()
    {
        var t = Tenants.New();
        await using var admin = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await using var ops = await TestClient.ConnectAsync(host, host.Token("*", "watcher", Role.Ops));

        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized], await admin.SubscribeAsync("$SYS/#", "#"));
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1, MqttClientSubscribeResultCode.GrantedQoS1], await ops.SubscribeAsync("$SYS/#", "#"));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await ops.PublishAsync($"cw/{t}/broadcast", "ops write nothing")).ReasonCode);
        await admin.PublishAsync($"cw/{t}/broadcast", "seen by ops");
        await ops.ReceiveUntilAsync($"cw/{t}/broadcast", "seen by ops"); // ops of '*' see every tenant's traffic
    }

    [Fact]
    public async Task A_device_acknowledges_on_its_ack_topic_but_cannot_fake_its_status_or_layout()
    {
        var t = Tenants.New();
        await using var owner = await TestClient.ConnectAsync(host, host.Token(t, "alice", Role.User, ["screen-1"]));
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1, MqttClientSubscribeResultCode.GrantedQoS1],
            await owner.SubscribeAsync($"cw/{t}/devices/screen-1/ack", $"cw/{t}/devices/+/status"));
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync($"cw/{t}/devices/screen-1/status", "online")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await device.PublishAsync($"cw/{t}/devices/screen-1/layout", "{}")).ReasonCode);
        await device.PublishAsync($"cw/{t}/devices/screen-1/ack", "applied");

        // Before the ack, the owner sees only the server's presence envelope: neither fake reached it.
        var before = await owner.ReceiveUntilAsync($"cw/{t}/devices/screen-1/ack", "applied");
        var presence = Assert.Single(before);
        Assert.Contains("\"type\":\"device_status\"", TestClient.Text(presence));
    }

    [Fact]
    public async Task A_device_will_on_its_status_topic_reaches_the_tenant_when_it_drops()
    {
        var t = Tenants.New();
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-9", Role.Device), "screen-9",
            configure: o => o.WithWillTopic($"cw/{t}/devices/screen-9/status").WithWillPayload("gone"));
        Assert.True(device.Accepted);
        await watcher.NextAsync("online");

        device.Client.Dispose(); // drop the socket without DISCONNECT

        Assert.Equal("gone", await watcher.NextRawAsync());
    }
}
