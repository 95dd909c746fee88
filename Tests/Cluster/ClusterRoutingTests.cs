using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Cluster;

/// <summary>Three nodes and one Redis: messages, REST and shared state cross nodes, and tenants stay sealed.</summary>
[Collection(SharedCluster.Name)]
public sealed class ClusterRoutingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_message_published_on_any_node_reaches_each_subscriber_on_every_node_once_and_in_order()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var onA = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "alice"));
        await using var onB = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"));
        await using var stranger = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(other, "eve"));
        await onA.SubscribeAsync($"cw/{t}/channels/news");
        await onB.SubscribeAsync($"cw/{t}/channels/news");
        await stranger.SubscribeAsync($"cw/{other}/channels/#");

        for (var n = 1; n <= 50; n++)
        {
            await onA.PublishAsync($"cw/{t}/channels/news", $"from A {n}");
        }

        await onB.PublishAsync($"cw/{t}/channels/news", "from B");
        await onA.PublishAsync($"cw/{other}/channels/news", "across tenants"); // refused: never reaches the other tenant
        await using (var sentinel = await TestClient.ConnectAsync(cluster.C, cluster.C.Token(other, "mallory")))
        {
            await sentinel.PublishAsync($"cw/{other}/channels/end", "end");
        }

        // In order per publisher; between publishers on different nodes no order is promised.
        string[] fromA = [.. Enumerable.Range(1, 50).Select(n => $"from A {n}")];
        foreach (var subscriber in new[] { onA, onB })
        {
            var texts = (await Take(subscriber, 51)).Select(TestClient.Text).ToList();
            Assert.Equal(fromA, texts.Where(x => x.StartsWith("from A", StringComparison.Ordinal)));
            Assert.Single(texts, "from B");
        }

        Assert.Empty(await stranger.ReceiveUntilAsync($"cw/{other}/channels/end", "end"));

        // Nothing twice: the next message is the next one published.
        await onA.PublishAsync($"cw/{t}/channels/news", "last");
        Assert.Equal("last", TestClient.Text(await onB.ReceiveAsync()));
    }

    [Fact]
    public async Task A_layout_update_on_one_node_reaches_a_screen_on_another_and_its_ack_is_read_on_a_third()
    {
        var t = Tenants.New();
        var admin = cluster.A.Token(t, "root", Role.Admin);
        await using var screen = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "screen-1", Role.Device), "screen-1");
        await screen.SubscribeAsync($"cw/{t}/devices/screen-1/layout");

        var update = await cluster.A.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L7", deviceIds = new[] { "screen-1" } });
        Assert.Equal(HttpStatusCode.OK, update.Status);
        var messageId = update.Data.GetProperty("messageId").GetString()!;

        var layout = JsonDocument.Parse((await screen.ReceiveAsync()).Payload).RootElement;
        Assert.Equal(messageId, layout.GetProperty("id").GetString());
        await screen.PublishAsync($"cw/{t}/devices/screen-1/ack",
            JsonSerializer.Serialize(new { type = "layout_ack", data = new { messageId, layoutId = "L7", status = "applied", error = (string?)null } }));

        await Eventually.HoldsAsync(async () =>
            (await cluster.C.GetAsync($"/api/layout-updates/{messageId}", admin)).Data.GetProperty("devices")[0].GetProperty("state").GetString() == "applied");
        var devices = (await cluster.C.GetAsync("/api/devices", admin)).Data.GetProperty("devices");
        Assert.Equal(("screen-1", "online"), (devices[0].GetProperty("id").GetString(), devices[0].GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_retained_message_kept_through_one_node_is_read_by_a_subscriber_of_another()
    {
        var t = Tenants.New();
        await using (var editor = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "editor")))
        {
            await editor.PublishAsync($"cw/{t}/channels/menu", "soup", retain: true);
        }

        await Eventually.HoldsAsync(async () =>
        {
            await using var reader = await TestClient.ConnectAsync(cluster.C, cluster.C.Token(t, "reader"));
            await reader.SubscribeAsync($"cw/{t}/channels/menu");
            try
            {
                var message = await reader.ReceiveAsync(TimeSpan.FromSeconds(1));
                return (TestClient.Text(message), message.Retain) == ("soup", true);
            }
            catch (TimeoutException)
            {
                return false; // the retained copy is written to Redis just after the publish is acknowledged
            }
        });
    }

    [Fact]
    public async Task Broadcasts_on_every_node_at_once_get_distinct_seqs_and_history_reads_them_all_from_any_node()
    {
        var t = Tenants.New();
        var admin = cluster.A.Token(t, "root", Role.Admin);
        var posts = cluster.Nodes.SelectMany(node => Enumerable.Range(1, 20).Select(n =>
            node.PostAsync("/api/websocket/broadcast", admin, new { type = "note", data = new { node = node.NodeId, n } })));
        var replies = await Task.WhenAll(posts);

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var seqs = replies.Select(r => r.Data.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Count, seqs.Distinct().Count());

        foreach (var node in cluster.Nodes)
        {
            var history = await node.GetAsync($"/api/websocket/history?channel=tenant:{t}&since=0", cluster.A.Token(t, "bob"));
            var kept = history.Data.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(seqs.Order(), kept);
        }
    }

    [Fact]
    public async Task Subscription_identifiers_and_retain_as_published_hold_for_messages_from_another_node()
    {
        var t = Tenants.New();
        await using var onB = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"));
        await onB.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithSubscriptionIdentifier(42)
            .WithTopicFilter(f => f.WithTopic($"cw/{t}/channels/#").WithAtLeastOnceQoS().WithRetainAsPublished())
            .Build());
        await using var onA = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "alice"));

        await onA.PublishAsync($"cw/{t}/channels/board", "kept", retain: true);

        var message = await onB.ReceiveAsync();
        Assert.Equal(("kept", true), (TestClient.Text(message), message.Retain));
        Assert.Equal([42u], message.SubscriptionIdentifiers);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    static async Task<List<MqttApplicationMessage>> Take(TestClient client, int count)
    {
        var messages = new List<MqttApplicationMessage>();
        while (messages.Count < count)
        {
            messages.Add(await client.ReceiveAsync());
        }

        return messages;
    }
}
