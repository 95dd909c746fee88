using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Rest;

/// <summary>broadcast, layout-update and content-sync: what each route publishes, as a real subscriber sees it.</summary>
[Collection(SharedHost.Name)]
public sealed class PublishRoutesTests(BrokerHost host)
{
    [Fact]
    public async Task A_broadcast_without_channel_reaches_the_tenant_as_an_envelope()
    {
        var t = Tenants.New();
        await using var listener = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await listener.SubscribeAsync($"cw/{t}/broadcast");
        var before = DateTimeOffset.UtcNow;

        var reply = await host.PostAsync("/api/websocket/broadcast", host.Token(t, "alice"), new { type = "notification", data = new { text = "doors open" } });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(reply.Body.GetProperty("success").GetBoolean());
        Assert.Equal($"cw/{t}/broadcast", reply.Data.GetProperty("topic").GetString());
        var message = await listener.ReceiveAsync();
        var envelope = JsonDocument.Parse(message.Payload).RootElement;
        Assert.Equal(reply.Data.GetProperty("messageId").GetString(), envelope.GetProperty("id").GetString());
        Assert.Equal("notification", envelope.GetProperty("type").GetString());
        Assert.Equal($"tenant:{t}", envelope.GetProperty("channel").GetString());
        Assert.Equal("doors open", envelope.GetProperty("data").GetProperty("text").GetString());
        Assert.Equal("alice", envelope.GetProperty("sender").GetProperty("userId").GetString());
        Assert.Equal(reply.Data.GetProperty("seq").GetInt64(), envelope.GetProperty("seq").GetInt64());
        var timestamp = envelope.GetProperty("timestamp").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        Assert.InRange(timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Seq_grows_per_tenant()
    {
        var (t1, t2) = (Tenants.New(), Tenants.New());
        var seqs = new List<long>();
        foreach (var t in new[] { t1, t2, t1, t1 })
        {
            var reply = await host.PostAsync("/api/websocket/broadcast", host.Token(t, "alice"), new { type = "ping", data = new { } });
            seqs.Add(reply.Data.GetProperty("seq").GetInt64());
        }

        Assert.Equal([1, 1, 2, 3], seqs);
    }

    [Theory]
    [InlineData("user:bob", null, "users/bob")]
    [InlineData("user", "bob", "users/bob")]
    [InlineData("device:d1", null, "devices/d1")]
    [InlineData("news", null, "channels/news")]
    public async Task Channels_map_to_their_topics(string channel, string? target, string topicTail)
    {
        var t = Tenants.New();
        await using var admin = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await admin.SubscribeAsync($"cw/{t}/#");

        var reply = await host.PostAsync("/api/websocket/broadcast", host.Token(t, "root", Role.Admin), new { type = "notification", data = new { }, channel, target });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var message = await admin.ReceiveAsync();
        Assert.Equal($"cw/{t}/{topicTail}", message.Topic);
        Assert.Equal(target is null ? channel : $"{channel}:{target}", JsonDocument.Parse(message.Payload).RootElement.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task A_layout_update_reaches_mosquitto_sub_on_the_device_layout_topic()
    {
        var t = Tenants.New();
        await using var sub = Mosquitto.StartSub(host, "mqttv311", "screen-1", host.Token(t, "screen-1", Role.Device), "-t", $"cw/{t}/devices/screen-1/layout");
        await sub.SubscribedAsync();

        var reply = await host.PostAsync("/api/websocket/layout-update", host.Token(t, "editor", Role.User, ["screen-1"]),
            new { layoutId = "spring", deviceIds = new[] { "screen-1" }, layoutData = new { zones = 3 } });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["screen-1"], reply.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
        var line = await sub.WaitForLineAsync(l => l.StartsWith($"MSG cw/{t}/devices/screen-1/layout ", StringComparison.Ordinal));
        var envelope = JsonDocument.Parse(line[line.IndexOf('{')..]).RootElement;
        Assert.Equal("layout_update", envelope.GetProperty("type").GetString());
        Assert.Equal(reply.Data.GetProperty("messageId").GetString(), envelope.GetProperty("id").GetString());
        Assert.Equal("spring", envelope.GetProperty("data").GetProperty("layoutId").GetString());
        Assert.Equal(3, envelope.GetProperty("data").GetProperty("layoutData").GetProperty("zones").GetInt32());
    }

    [Fact]
    public async Task A_late_subscriber_gets_the_newest_layout_retained_at_qos1()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "old", deviceIds = new[] { "screen-1" } });
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "new", deviceIds = new[] { "screen-1" } });

        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device));
        await device.SubscribeAsync($"cw/{t}/devices/screen-1/layout");

        var retained = await device.ReceiveAsync();
        Assert.True(retained.Retain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, retained.QualityOfServiceLevel);
        Assert.Equal("new", JsonDocument.Parse(retained.Payload).RootElement.GetProperty("data").GetProperty("layoutId").GetString());
    }

    [Fact]
    public async Task A_layout_update_without_devices_goes_to_every_known_device_of_the_tenant()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "root", Role.Admin);
        await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "first", deviceIds = new[] { "a", "b" } });

        var reply = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "all" });

        Assert.Equal(["a", "b"], reply.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).Order());
        await using var listener = await TestClient.ConnectAsync(host, admin);
        await listener.SubscribeAsync($"cw/{t}/devices/+/layout");
        var layouts = new[] { await listener.ReceiveAsync(), await listener.ReceiveAsync() };
        Assert.All(layouts, m => Assert.Equal("all", JsonDocument.Parse(m.Payload).RootElement.GetProperty("data").GetProperty("layoutId").GetString()));
    }

    [Fact]
    public async Task Content_sync_reaches_everyone_in_the_tenant()
    {
        var t = Tenants.New();
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device));
        await device.SubscribeAsync($"cw/{t}/content");

        var reply = await host.PostAsync("/api/websocket/content-sync", host.Token(t, "alice"),
            new { contentType = "image", contentId = "logo-7", action = "update", data = new { url = "https://cdn.example/logo.png" } });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var envelope = JsonDocument.Parse((await device.ReceiveAsync()).Payload).RootElement;
        Assert.Equal("content_sync", envelope.GetProperty("type").GetString());
        var data = envelope.GetProperty("data");
        Assert.Equal(("image", "logo-7", "update"), (data.GetProperty("contentType").GetString(), data.GetProperty("contentId").GetString(), data.GetProperty("action").GetString()));
        Assert.Equal("https://cdn.example/logo.png", data.GetProperty("data").GetProperty("url").GetString());
    }
}
