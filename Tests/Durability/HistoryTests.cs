using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Durability;

/// <summary>Catch-up through <c>GET /api/websocket/history</c> for a client that was away.</summary>
[Collection(SharedHost.Name)]
public sealed class HistoryTests(BrokerHost host)
{
    [Fact]
    public async Task A_subscriber_recovers_what_it_missed_in_order_without_duplicates()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice");
        await using var listener = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await listener.SubscribeAsync($"cw/{t}/broadcast");
        await host.PostAsync("/api/websocket/broadcast", alice, new { type = "note", data = new { n = 1 } });
        var lastSeen = JsonDocument.Parse((await listener.ReceiveAsync()).Payload).RootElement.GetProperty("seq").GetInt64();
        await listener.DisposeAsync(); // away

        for (var n = 2; n <= 4; n++)
        {
            await host.PostAsync("/api/websocket/broadcast", alice, new { type = "note", data = new { n } });
            await host.PostAsync("/api/websocket/content-sync", alice, new { contentType = "image", contentId = $"c{n}", action = "create", data = new { } });
        }

        var reply = await host.GetAsync($"/api/websocket/history?channel=tenant:{t}&since={lastSeen}", host.Token(t, "bob"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var messages = reply.Data.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([2, 3, 4], messages.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()));
        var seqs = messages.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.All(seqs, s => Assert.True(s > lastSeen));

        var content = await host.GetAsync($"/api/websocket/history?channel=content:{t}&since={lastSeen}", host.Token(t, "bob"));
        Assert.Equal(["c2", "c3", "c4"], content.Data.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("contentId").GetString()));
    }

    [Fact]
    public async Task A_users_own_channel_is_kept_for_them_only()
    {
        var t = Tenants.New();
        await host.PostAsync("/api/websocket/broadcast", host.Token(t, "root", Role.Admin), new { type = "note", channel = "user:bob", data = new { secret = true } });

        var bob = await host.GetAsync($"/api/websocket/history?channel=user:bob&since=0", host.Token(t, "bob"));
        var alice = await host.GetAsync($"/api/websocket/history?channel=user:bob&since=0", host.Token(t, "alice"));

        Assert.Single(bob.Data.GetProperty("messages").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, alice.Status);
    }

    [Theory]
    [InlineData("", "0", HttpStatusCode.BadRequest, "channel")]
    [InlineData("tenant:{t}", "-1", HttpStatusCode.BadRequest, "since")]
    [InlineData("tenant:{t}", "abc", HttpStatusCode.BadRequest, "since")]
    [InlineData("tenant:elsewhere", "0", HttpStatusCode.Forbidden, "another tenant")]
    [InlineData("content:elsewhere", "0", HttpStatusCode.Forbidden, "another tenant")]
    [InlineData("a/b", "0", HttpStatusCode.BadRequest, "channel")]
    public async Task Bad_history_requests_are_refused(string channel, string since, HttpStatusCode status, string message)
    {
        var t = Tenants.New();
        var reply = await host.GetAsync($"/api/websocket/history?channel={Uri.EscapeDataString(channel.Replace("{t}", t))}&since={since}", host.Token(t, "alice"));
        Assert.Equal(status, reply.Status);
        Assert.Contains(message, reply.ErrorMessage);
    }
}

/// <summary>A host that keeps only five messages per tenant.</summary>
public sealed class ShortHistoryHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Storage__HistoryMaxMessages"] = "5" };
}

public sealed class HistoryBoundTests(ShortHistoryHost host) : IClassFixture<ShortHistoryHost>
{
    [Fact]
    public async Task A_gap_older_than_what_is_kept_is_said_clearly()
    {
        var alice = host.Token("t1", "alice");
        var seqs = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            seqs.Add((await host.PostAsync("/api/websocket/broadcast", alice, new { type = "note", data = new { i } })).Data.GetProperty("seq").GetInt64());
        }

        var tooOld = await host.GetAsync($"/api/websocket/history?channel=tenant:t1&since={seqs[0]}", alice);
        var recent = await host.GetAsync($"/api/websocket/history?channel=tenant:t1&since={seqs[3]}", alice);

        Assert.Equal(HttpStatusCode.Gone, tooOld.Status);
        Assert.Equal("history_truncated", tooOld.ErrorCode);
        Assert.Contains("refetch", tooOld.ErrorMessage);
        Assert.Equal(seqs[4..], recent.Data.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
    }
}
