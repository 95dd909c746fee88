using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Cluster;

/// <summary>Redis killed (SIGKILL) and started again while two nodes run.</summary>
public sealed class RedisOutageClusterTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    [Fact]
    public async Task Nodes_serve_local_clients_while_redis_is_down_and_resume_crossing_when_it_is_back_without_a_restart()
    {
        var t = Tenants.New();
        var admin = cluster.A.Token(t, "root", Role.Admin);
        var before = await cluster.A.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "L1", deviceIds = new[] { "screen-1" } });
        Assert.Equal(HttpStatusCode.OK, before.Status);
        await using var onA = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "alice"));
        await using var localReader = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "ann"));
        await using var onB = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"));
        await localReader.SubscribeAsync($"cw/{t}/channels/news");
        await onB.SubscribeAsync($"cw/{t}/channels/news");
        await using var screen = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "screen-1", Role.Device), "screen-1", "screen-1");
        var leaving = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "screen-2", Role.Device), "screen-2", "screen-2");
        await Eventually.HoldsAsync(async () => await ScreenAsync(admin) == ("online", null) && await ScreenAsync(admin, "screen-2") == ("online", null));
        TestClient? arriving = null;

        await cluster.Redis.KillAsync();
        try
        {
            await onA.PublishAsync($"cw/{t}/channels/news", "while redis is down");
            Assert.Equal("while redis is down", TestClient.Text(await localReader.ReceiveAsync())); // local routing goes on
            var write = await cluster.B.PostAsync("/api/websocket/broadcast", admin, new { type = "note", data = new { } });
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (write.Status, write.ErrorCode));
            Assert.NotEqual(HttpStatusCode.OK, (await cluster.A.Http.GetAsync("/readyz")).StatusCode);

            // What the store cannot record now is written when Redis is back: one screen leaves, another arrives.
            await leaving.DisposeAsync();
            arriving = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "screen-3", Role.Device), "screen-3", "screen-3");
            Assert.True(arriving.Accepted); // the node decides alone

            // Longer than Cluster:NodeTimeoutSeconds (4 s here): every node's alive key expires meanwhile.
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await cluster.Redis.StartAsync();
        }

        foreach (var node in cluster.Nodes)
        {
            await Eventually.HoldsAsync(async () => (await node.Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK);
        }

        // The nodes listen again by themselves: a message from A reaches B.
        await Eventually.HoldsAsync(async () =>
        {
            await onA.PublishAsync($"cw/{t}/channels/news", "after");
            try
            {
                while (TestClient.Text(await onB.ReceiveAsync(TimeSpan.FromMilliseconds(500))) != "after")
                {
                }

                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        });

        await Eventually.HoldsAsync(async () =>
            await ScreenAsync(admin, "screen-2") == ("offline", "network-error") && await ScreenAsync(admin, "screen-3") == ("online", null));

        // Nobody takes a node that lived through the outage for dead: a sweep would come within a timeout and a beat.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(("online", null), await ScreenAsync(admin));
        Assert.Equal(("online", null), await ScreenAsync(admin, "screen-3"));
        await arriving!.DisposeAsync();
        Assert.True(await screen.Client.TryPingAsync());

        // What was stored before the outage is still there (AOF), and writes work again.
        var tracking = await cluster.B.GetAsync($"/api/layout-updates/{before.Data.GetProperty("messageId").GetString()}", admin);
        Assert.Equal(HttpStatusCode.OK, tracking.Status);
        var again = await cluster.B.PostAsync("/api/websocket/broadcast", admin, new { type = "note", data = new { } });
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    async Task<(string? Status, string? Reason)> ScreenAsync(string admin, string id = "screen-1")
    {
        var devices = (await cluster.B.GetAsync("/api/devices", admin)).Data.GetProperty("devices");
        var screen = devices.EnumerateArray().SingleOrDefault(d => d.GetProperty("id").GetString() == id);
        if (screen.ValueKind == System.Text.Json.JsonValueKind.Undefined)
        {
            return (null, null);
        }

        return (screen.GetProperty("status").GetString(), screen.TryGetProperty("reason", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString() : null);
    }
}
