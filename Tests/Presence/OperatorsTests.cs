using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Presence;

/// <summary>$SYS topics for operators and the Prometheus endpoint.</summary>
[Collection(SharedHost.Name)]
public sealed class OperatorsTests(BrokerHost host)
{
    [Fact]
    public async Task Operators_read_sys_topics_with_live_figures_and_others_are_refused()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await using var otherDevice = await TestClient.ConnectAsync(host, host.Token(other, "screen-1", Role.Device), "screen-1");
        await using var admin = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await using var ops = await TestClient.ConnectAsync(host, host.Token("*", "watcher", Role.Ops));
        await using var tenantOps = await TestClient.ConnectAsync(host, host.Token(t, "watcher", Role.Ops));

        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized], await admin.SubscribeAsync("$SYS/#"));
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1], await ops.SubscribeAsync("$SYS/#"));
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1], await tenantOps.SubscribeAsync("$SYS/#"));
        Assert.Equal([MqttClientSubscribeResultCode.NotAuthorized], await tenantOps.SubscribeAsync($"$SYS/broker/tenants/{other}/#"));

        var seen = new Dictionary<string, string>();
        var tenantTopic = $"$SYS/broker/tenants/{t}/devices/online";
        var otherTopic = $"$SYS/broker/tenants/{other}/devices/online";
        while (!(seen.ContainsKey("$SYS/broker/version") && seen.GetValueOrDefault(tenantTopic) == "1" && seen.GetValueOrDefault(otherTopic) == "1"))
        {
            var message = await ops.ReceiveAsync(TimeSpan.FromSeconds(15)); // refreshed every 10 s
            seen[message.Topic] = TestClient.Text(message);
        }

        // An operator of one tenant sees its own tenant's figures and the broker's, never another tenant's (nor its name).
        await tenantOps.PublishAsync($"cw/{t}/broadcast", "sentinel"); // refused (operators publish nothing), then:
        var scoped = new List<string>();
        while (!scoped.Contains(tenantTopic))
        {
            scoped.Add((await tenantOps.ReceiveAsync(TimeSpan.FromSeconds(15))).Topic);
        }

        Assert.DoesNotContain(scoped, topic => topic.StartsWith("$SYS/broker/tenants/", StringComparison.Ordinal) && topic != tenantTopic);

        Assert.StartsWith("CreatiWall Realtime", seen["$SYS/broker/version"]);
        Assert.EndsWith(" seconds", seen["$SYS/broker/uptime"]);
        Assert.True(int.Parse(seen["$SYS/broker/clients/connected"]) >= 3);
        Assert.True(long.Parse(seen["$SYS/broker/bytes/received"]) > 0);
        Assert.True(long.Parse(seen["$SYS/broker/messages/sent"]) >= 0);
    }

    [Fact]
    public async Task Metrics_are_exposed_for_prometheus()
    {
        var t = Tenants.New();
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await using var refused = await TestClient.ConnectAsync(host, host.Token(t, "alice", lifetime: TimeSpan.FromMinutes(-5)));

        var text = (await host.GetTextAsync("/metrics", host.Token("*", "prometheus", Role.Ops))).Text;

        Assert.Contains("# TYPE cw_mqtt_connections", text);
        Assert.Matches("cw_mqtt_connects_refused_total\\{[^}]*reason=\"token-expired\"[^}]*\\} [1-9]", text);
        Assert.Contains("cw_mqtt_messages_received_total", text);
        Assert.Contains("cw_mqtt_messages_sent_total", text);
        Assert.Contains("cw_mqtt_messages_dropped_total", text);
        Assert.Matches($"cw_devices_online\\{{[^}}]*tenant=\"{t}\"[^}}]*\\}} 1", text);
    }
}
