using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Cluster;

/// <summary>Client ids, kicks and the live status across the nodes of one cluster.</summary>
[Collection(SharedCluster.Name)]
public sealed class ClusterSessionTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_screen_reconnecting_on_another_node_takes_its_session_over_and_never_reads_offline()
    {
        var t = Tenants.New();
        var token = cluster.A.Token(t, "screen-1", Role.Device);
        await using var watcher = await TestClient.ConnectAsync(cluster.C, cluster.C.Token(t, "ops-user"));
        await watcher.SubscribeAsync($"cw/{t}/devices/screen-1/status");
        await using var first = await TestClient.ConnectAsync(cluster.A, token, "screen-1", "screen-1");
        Assert.Equal("online", Status(await watcher.ReceiveAsync()));

        await using var second = await TestClient.ConnectAsync(cluster.B, token, "screen-1", "screen-1");

        Assert.True(second.Accepted);
        var ended = await first.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, ended.Reason);
        var seen = new List<string>();
        await Eventually.HoldsAsync(async () =>
        {
            var device = (await cluster.A.GetAsync("/api/devices", cluster.A.Token(t, "root", Role.Admin))).Data.GetProperty("devices")[0];
            return device.GetProperty("status").GetString() == "online";
        });
        try
        {
            while (true)
            {
                seen.Add(Status(await watcher.ReceiveAsync(TimeSpan.FromMilliseconds(500))));
            }
        }
        catch (TimeoutException)
        {
            // no more status changes
        }

        Assert.DoesNotContain("offline", seen);
        Assert.True(await second.Client.TryPingAsync());
    }

    [Fact]
    public async Task Another_principal_is_refused_a_client_id_held_on_another_node()
    {
        var t = Tenants.New();
        await using var alice = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "alice"), clientId: "desk-1");
        Assert.True(alice.Accepted);

        await using var bob = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"), clientId: "desk-1");
        await using var other = await TestClient.ConnectAsync(cluster.C, cluster.C.Token(Tenants.New(), "carol"), clientId: "desk-1");

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, bob.ConnectResult.ResultCode);
        Assert.True(other.Accepted); // another tenant's client-id space
        Assert.True(await alice.Client.TryPingAsync());
    }

    [Fact]
    public async Task A_kept_session_keeps_its_client_id_from_other_principals_on_other_nodes()
    {
        var t = Tenants.New();
        var device = cluster.A.Token(t, "screen-7", Role.Device);
        await using (var screen = await TestClient.ConnectAsync(cluster.A, device, "screen-7", "screen-7",
            configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(300)))
        {
            Assert.True(screen.Accepted);
        }

        await using var squatter = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "mallory"), clientId: "screen-7");
        await using var back = await TestClient.ConnectAsync(cluster.C, device, "screen-7", "screen-7",
            configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(300));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, squatter.ConnectResult.ResultCode);
        Assert.True(back.Accepted); // the same identity takes its client id over on any node
    }

    [Fact]
    public async Task Disconnect_on_one_node_ends_a_client_connected_to_another()
    {
        var t = Tenants.New();
        await using var bob = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"), clientId: "bob-tab");

        var byAlice = await cluster.A.PostAsync("/api/websocket/disconnect", cluster.A.Token(t, "alice"), new { connectionId = "bob-tab" });
        var byOtherTenant = await cluster.A.PostAsync("/api/websocket/disconnect", cluster.A.Token(Tenants.New(), "root", Role.Admin), new { connectionId = "bob-tab" });
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (byAlice.Status, byOtherTenant.Status));
        Assert.True(await bob.Client.TryPingAsync());

        var byAdmin = await cluster.C.PostAsync("/api/websocket/disconnect", cluster.C.Token(t, "root", Role.Admin), new { connectionId = "bob-tab" });

        Assert.Equal(HttpStatusCode.OK, byAdmin.Status);
        var ended = await bob.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, ended.Reason);
    }

    [Fact]
    public async Task Status_on_any_node_counts_the_whole_cluster_and_lists_its_nodes()
    {
        var t = Tenants.New();
        await using var onA = await TestClient.ConnectAsync(cluster.A, cluster.A.Token(t, "alice"));
        await using var onB = await TestClient.ConnectAsync(cluster.B, cluster.B.Token(t, "bob"));
        await using var screen = await TestClient.ConnectAsync(cluster.C, cluster.C.Token(t, "screen-1", Role.Device), "screen-1");
        await onA.SubscribeAsync($"cw/{t}/broadcast");
        await onB.SubscribeAsync($"cw/{t}/broadcast");
        var admin = cluster.A.Token(t, "root", Role.Admin);

        JsonElement status = default;
        await Eventually.HoldsAsync(async () =>
        {
            // Other nodes' figures are as of their last heartbeat (Cluster:HeartbeatSeconds, 1 s here).
            status = (await cluster.B.GetAsync("/api/websocket/status", admin)).Data;
            return status.GetProperty("totalConnections").GetInt32() == 3 &&
                status.GetProperty("channels").EnumerateArray().Any(c => c.GetProperty("channel").GetString() == $"tenant:{t}" && c.GetProperty("subscribers").GetInt32() == 2);
        });

        Assert.Equal(1, status.GetProperty("devices").GetProperty("online").GetInt32());
        var nodes = status.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("nodeId").GetString()!);
        Assert.Equal(["node-1", "node-2", "node-3"], nodes.Keys.Order());
        Assert.All(nodes.Values, n => Assert.Equal(1, n.GetProperty("connections").GetInt32()));
        Assert.All(nodes.Values, n => Assert.True(n.GetProperty("lastSeen").GetDateTimeOffset() >= n.GetProperty("startedAt").GetDateTimeOffset()));
    }

    [Fact]
    public async Task A_revocation_on_one_node_ends_the_subjects_connections_on_another()
    {
        var t = Tenants.New();
        var token = cluster.B.Token(t, "alice");
        await using var onB = await TestClient.ConnectAsync(cluster.B, token);

        var revoke = await cluster.A.PostAsync("/api/tokens/revoke", cluster.A.Token(t, "root", Role.Admin), new { sub = "alice" });

        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        var ended = await onB.Disconnected.WaitAsync(TimeSpan.FromSeconds(5)); // Jwt:RevocationRefreshSeconds, 2 s by default
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, ended.Reason);
        await Eventually.HoldsAsync(async () => (await cluster.C.GetAsync("/api/websocket/status", token)).Status == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sys_topics_carry_the_nodes_name_and_the_clusters_figures()
    {
        await using var ops = await TestClient.ConnectAsync(cluster.B, cluster.B.Token("*", "watcher", Role.Ops));
        await ops.SubscribeAsync("$SYS/broker/node", "$SYS/broker/cluster/#");

        var seen = new Dictionary<string, string>();
        // The retained figures sent at SUBSCRIBE may predate this very client: wait for a refresh that counts it.
        while (seen.GetValueOrDefault("$SYS/broker/cluster/nodes") != "3" || !seen.ContainsKey("$SYS/broker/node") ||
               int.Parse(seen.GetValueOrDefault("$SYS/broker/cluster/clients/connected", "0")) < 1)
        {
            var message = await ops.ReceiveAsync(); // refreshed every second here
            seen[message.Topic] = TestClient.Text(message);
        }

        Assert.Equal("node-2", seen["$SYS/broker/node"]);
    }

    static string Status(MqttApplicationMessage message) =>
        JsonDocument.Parse(message.Payload).RootElement.GetProperty("data").GetProperty("status").GetString()!;
}
