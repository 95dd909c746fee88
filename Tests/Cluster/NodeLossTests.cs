using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Cluster;

public sealed class TwoNodeCluster : ClusterFixture
{
    protected override int NodeCount => 2;
}

/// <summary>A node killed (SIGKILL) while it holds screens: the survivor sweeps it.</summary>
public sealed class NodeLossTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    [Fact]
    public async Task Screens_of_a_killed_node_go_offline_as_node_lost_with_their_will_unless_they_came_back_elsewhere()
    {
        var t = Tenants.New();
        var admin = cluster.B.Token(t, "root", Role.Admin);
        await using var watcher = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "ops-user"));
        await watcher.SubscribeAsync($"cw/{t}/devices/+/status");
        await using var lost = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "screen-1", Role.Device), "screen-1", "screen-1",
            configure: o => o.WithWillTopic($"cw/{t}/devices/screen-1/status").WithWillPayload("screen-1: last word"));
        var token2 = cluster.A.Token(t, "screen-2", Role.Device);
        await using var moving = await TestClient.ConnectAsync(cluster.A, token2, "screen-2", "screen-2");
        await Eventually.HoldsAsync(async () => (await Devices(admin)).Values.Count(d => d.Status == "online") == 2);

        await cluster.A.KillAsync();
        await using var back = await TestClient.ConnectAsync(cluster.B, token2, "screen-2", "screen-2");
        Assert.True(back.Accepted);

        var messages = new List<MqttApplicationMessage>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); // the bound; 4 s node timeout here
        while ((await Devices(admin))["screen-1"].Status != "offline")
        {
            Assert.True(DateTime.UtcNow < deadline, "screen-1 did not go offline within 30 s");
            await Task.Delay(100);
        }

        var devices = await Devices(admin);
        Assert.Equal(("offline", "node-lost"), (devices["screen-1"].Status, devices["screen-1"].Reason));
        Assert.Equal("online", devices["screen-2"].Status);

        // The watcher on the survivor: screen-1's will, then its offline envelope; nothing says screen-2 went offline.
        var texts = new List<string>();
        while (!texts.Any(x => x.Contains("node-lost", StringComparison.Ordinal)))
        {
            texts.Add(TestClient.Text(await watcher.ReceiveAsync()));
        }

        Assert.Contains("screen-1: last word", texts);
        Assert.DoesNotContain(texts, x => x.Contains("\"screen-2\"", StringComparison.Ordinal) && x.Contains("offline", StringComparison.Ordinal));

        var nodes = (await cluster.B.GetAsync("/api/websocket/status", admin)).Data.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("nodeId").GetString());
        Assert.Equal(["node-2"], nodes);
    }

    async Task<Dictionary<string, (string Status, string? Reason)>> Devices(string admin) =>
        (await cluster.B.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray().ToDictionary(
            d => d.GetProperty("id").GetString()!,
            d => (d.GetProperty("status").GetString()!, d.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null));
}
