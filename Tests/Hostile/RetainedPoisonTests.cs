using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// Retained messages are kept only where the topic table says so: a retained publish anywhere else (a fake layout_update
/// on a screen's device topic, a broadcast) must not reach later subscribers, whoever sent it. Own host: it restarts.
/// </summary>
public sealed class RetainedPoisonTests(BrokerHost host) : IClassFixture<BrokerHost>
{
    const string FakeLayout = """{"type":"layout_update","data":{"layoutId":"hacked"}}""";

    [Fact]
    public async Task A_retained_publish_on_a_topic_that_keeps_none_is_delivered_but_not_kept()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice", Role.User, ["screen-1"]);
        var topics = new (string Token, string Username, string Topic)[]
        {
            (alice, "", $"cw/{t}/broadcast"),
            (alice, "", $"cw/{t}/content"),
            (alice, "", $"cw/{t}/devices/screen-1"),
            (host.Token(t, "root", Role.Admin), "", $"cw/{t}/users/bob"),
            (host.Token(t, "screen-1", Role.Device), "screen-1", $"cw/{t}/devices/screen-1/ack"),
        };
        await using var live = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await live.SubscribeAsync($"cw/{t}/#");
        foreach (var (token, username, topic) in topics)
        {
            await using var sender = await TestClient.ConnectAsync(host, token, username);
            await sender.PublishAsync(topic, FakeLayout, retain: true);
            var delivered = await live.ReceiveAsync();
            while (delivered.Topic.EndsWith("/status", StringComparison.Ordinal))
            {
                delivered = await live.ReceiveAsync(); // the screen's presence
            }

            Assert.Equal((topic, false), (delivered.Topic, delivered.Retain));
        }

        await using (var editor = await TestClient.ConnectAsync(host, alice))
        {
            await editor.PublishAsync($"cw/{t}/channels/menu", "kept", retain: true);
        }

        // A later subscriber to all of them gets the channel's retained message and the screen's presence only.
        await using var later = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await later.SubscribeAsync($"cw/{t}/#");
        await later.PublishAsync($"cw/{t}/broadcast", "sentinel");
        var retained = await later.ReceiveUntilAsync($"cw/{t}/broadcast", "sentinel");
        Assert.Equal([$"cw/{t}/channels/menu", $"cw/{t}/devices/screen-1/status"], retained.Select(m => m.Topic).Order());
    }

    [Fact]
    public async Task A_retained_message_an_older_version_kept_on_such_a_topic_is_deleted_at_start()
    {
        var t = Tenants.New();
        await using (var db = new SqliteConnection($"Data Source={host.DatabasePath}"))
        {
            await db.OpenAsync();
            var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO retained (topic, payload, qos, content_type, payload_format) VALUES ($topic, $payload, 1, NULL, 0)";
            insert.Parameters.AddWithValue("$topic", $"cw/{t}/devices/screen-1");
            insert.Parameters.AddWithValue("$payload", System.Text.Encoding.UTF8.GetBytes(FakeLayout));
            await insert.ExecuteNonQueryAsync();
        }

        await host.CrashAndRestartAsync();

        await using var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await screen.SubscribeAsync($"cw/{t}/devices/screen-1");
        await using var owner = await TestClient.ConnectAsync(host, host.Token(t, "alice", Role.User, ["screen-1"]));
        await owner.PublishAsync($"cw/{t}/devices/screen-1", "sentinel");
        Assert.Empty(await screen.ReceiveUntilAsync($"cw/{t}/devices/screen-1", "sentinel"));
        Assert.Contains($"Retained message of cw/{t}/devices/screen-1 deleted", host.Logs);
    }
}
