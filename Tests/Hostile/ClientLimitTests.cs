using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Hostile;

/// <summary>A host with small per-tenant and per-client limits: 3 live connections a tenant, 3 subscriptions a session, topics of 64 bytes and 8 levels.</summary>
public sealed class ClientLimitedHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__MaxConnectionsPerTenant"] = "3",
        ["Mqtt__MaxSubscriptionsPerClient"] = "3",
        ["Mqtt__MaxTopicLength"] = "64",
        ["Mqtt__MaxTopicLevels"] = "8",
    };
}

/// <summary>
/// Limits per tenant and per client, each hit by real clients (MQTTnet, mosquitto) with the documented reason code,
/// while the tenant's other clients, and other tenants, carry on.
/// </summary>
public sealed class ClientLimitTests(ClientLimitedHost host) : IClassFixture<ClientLimitedHost>
{
    [Fact]
    public async Task A_tenant_at_its_live_connections_cap_gets_0x97_but_its_clients_and_other_tenants_carry_on()
    {
        var t = Tenants.New();
        var held = new List<TestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await TestClient.ConnectAsync(host, host.Token(t, $"u{i}"), clientId: $"screen-{i}"));
                Assert.True(held[^1].Accepted);
            }

            await using (var fourth = await TestClient.ConnectAsync(host, host.Token(t, "u3")))
            {
                Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, fourth.ConnectResult.ResultCode);
                Assert.Equal("the tenant has 3 live connections already", fourth.ConnectResult.ReasonString);
            }

            var v311 = await Mosquitto.PubAsync(host, "mqttv311", null, host.Token(t, "u3"), $"cw/{t}/broadcast", "x");
            Assert.True(v311.ExitCode != 0 && v311.Output.Contains("unavailable", StringComparison.Ordinal), v311.Output); // CONNACK 3

            // A screen back before its old connection was noticed gone takes its session over, cap or not.
            var again = await TestClient.ConnectAsync(host, host.Token(t, "u0"), clientId: "screen-0");
            Assert.True(again.Accepted);
            await held[0].Disconnected;
            await held[0].DisposeAsync();
            held[0] = again;

            await using var otherTenant = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "u3"));
            Assert.True(otherTenant.Accepted);
            await held[1].SubscribeAsync($"cw/{t}/broadcast");
            await held[2].PublishAsync($"cw/{t}/broadcast", "still on");
            Assert.Equal("still on", TestClient.Text(await held[1].ReceiveAsync()));

            await held[2].DisposeAsync(); // one goes: there is room again
            held.RemoveAt(2);
            await Eventually.HoldsAsync(async () =>
            {
                await using var next = await TestClient.ConnectAsync(host, host.Token(t, "u4"));
                return next.Accepted;
            });

            await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"connections-per-tenant\"", 2);
            Assert.Contains($"tenant={t} code=0x97: the tenant has 3 live connections already", host.Logs, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Subscriptions_beyond_the_limit_get_0x97_the_granted_ones_work_and_other_clients_are_not_counted()
    {
        var t = Tenants.New();
        await using var client = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        string[] three = [$"cw/{t}/broadcast", $"cw/{t}/content", $"cw/{t}/channels/a"];

        Assert.All(await client.SubscribeAsync(three), code => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, code));
        Assert.Equal([MqttClientSubscribeResultCode.QuotaExceeded, MqttClientSubscribeResultCode.GrantedQoS1],
            await client.SubscribeAsync($"cw/{t}/channels/b", $"cw/{t}/broadcast")); // one more is refused; one held again is not more
        await using (var other = await TestClient.ConnectAsync(host, host.Token(t, "bob")))
        {
            Assert.All(await other.SubscribeAsync(three), code => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, code));
        }

        await using var sub = Mosquitto.StartSub(host, "mqttv311", null, host.Token(t, "carol"),
            "-t", $"cw/{t}/broadcast", "-t", $"cw/{t}/content", "-t", $"cw/{t}/channels/a", "-t", $"cw/{t}/channels/b");
        Assert.EndsWith(": 1, 1, 1, 128", await sub.SubscribedAsync(), StringComparison.Ordinal); // 3.1.1: SUBACK failure for the fourth

        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "dave"));
        await publisher.PublishAsync($"cw/{t}/channels/b", "not subscribed");
        await publisher.PublishAsync($"cw/{t}/channels/a", "subscribed");
        Assert.Empty(await client.ReceiveUntilAsync($"cw/{t}/channels/a", "subscribed"));
        await sub.WaitForLineAsync(line => line == $"MSG cw/{t}/channels/a subscribed");

        await client.Client.UnsubscribeAsync($"cw/{t}/content");
        Assert.Equal([MqttClientSubscribeResultCode.GrantedQoS1], await client.SubscribeAsync($"cw/{t}/channels/b"));
        await Counters.ReachAsync(host, "cw_mqtt_subscriptions_refused_total", "reason=\"subscriptions\"", 2);
        Assert.Contains("this session holds 3 subscriptions already", host.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topics_over_the_length_or_level_limits_are_refused_0x90_and_0x8F_and_the_connection_stays()
    {
        var t = Tenants.New();
        var prefix = $"cw/{t}/channels/";
        var tooLong = prefix + new string('x', 65 - prefix.Length);
        var tooDeep = prefix + "a/b/c/d/e/f";
        await using var sub = Mosquitto.StartSub(host, "mqttv311", null, host.Token(t, "carol"), "-t", tooLong, "-t", prefix + "#");
        Assert.EndsWith(": 128, 1", await sub.SubscribedAsync(), StringComparison.Ordinal); // 3.1.1: SUBACK failure
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        Assert.Equal([MqttClientSubscribeResultCode.TopicFilterInvalid, MqttClientSubscribeResultCode.TopicFilterInvalid],
            await alice.SubscribeAsync(tooLong, tooDeep + "/#"));
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, (await alice.PublishAsync(tooLong, "long")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, (await alice.PublishAsync(tooDeep, "deep")).ReasonCode);
        var v311 = await Mosquitto.PubAsync(host, "mqttv311", null, host.Token(t, "dave"), tooDeep, "deep 3.1.1");
        Assert.True(v311.ExitCode == 0, v311.Output); // 3.1.1 has no PUBACK code: dropped, as a refused publish is
        Assert.Equal(MqttClientPublishReasonCode.Success, (await alice.PublishAsync(prefix + "a/b/c/d/e", "eight levels")).ReasonCode);

        await sub.WaitForLineAsync(line => line == $"MSG {prefix}a/b/c/d/e eight levels");
        Assert.Equal(["eight levels"], sub.Output.Split('\n').Where(l => l.StartsWith("MSG ", StringComparison.Ordinal)).Select(l => l.Split(' ', 3)[2].Trim()));
        Assert.True(alice.Client.IsConnected);
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"topic-length\"", 3);
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"topic-levels\"", 3);
        Assert.Contains("the topic has more than 8 levels", host.Logs, StringComparison.Ordinal);
    }
}
