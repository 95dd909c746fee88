using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Cluster;

/// <summary>Three nodes behind HAProxy with the shipped <c>deploy/haproxy.cfg</c>: clients see one broker.</summary>
[Collection(SharedCluster.Name)]
public sealed class LoadBalancerTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Clients_spread_over_the_nodes_through_haproxy_and_a_broadcast_reaches_all_of_them()
    {
        await using var haproxy = await Haproxy.StartAsync(cluster.Nodes);
        var front = haproxy.Front;
        var t = Tenants.New();
        var admin = front.Token(t, "root", Role.Admin);

        var clients = new List<TestClient>();
        for (var i = 0; i < 6; i++)
        {
            var client = await TestClient.ConnectAsync(front, front.Token(t, $"user-{i}"), transport: i % 2 == 0 ? Transport.Tcp : Transport.WebSocket);
            Assert.True(client.Accepted);
            await client.SubscribeAsync($"cw/{t}/broadcast");
            clients.Add(client);
        }

        await using var mosquitto = Mosquitto.StartSub(front, "mqttv5", null, front.Token(t, "viewer"), "-t", $"cw/{t}/broadcast");
        await mosquitto.SubscribedAsync();
        try
        {
            // Every node holds some of the seven (leastconn), and any node's status sees them all.
            await Eventually.HoldsAsync(async () =>
            {
                var status = (await front.GetAsync("/api/websocket/status", admin)).Data;
                return status.GetProperty("totalConnections").GetInt32() == 7 &&
                    status.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("connections").GetInt32() > 0) == 3;
            });

            var sent = await front.PostAsync("/api/websocket/broadcast", admin, new { type = "note", data = new { text = "hello fleet" } });
            Assert.Equal(HttpStatusCode.OK, sent.Status);

            foreach (var client in clients)
            {
                Assert.Contains("hello fleet", TestClient.Text(await client.ReceiveAsync()));
            }

            await mosquitto.WaitForLineAsync(line => line.Contains("hello fleet", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
