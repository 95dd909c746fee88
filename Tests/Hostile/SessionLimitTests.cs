using System.Text.RegularExpressions;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Hostile;

/// <summary>A host whose sessions expire after 2 s, with room for 3 sessions per principal, 5 per tenant, 10 queued messages.</summary>
public sealed class SessionLimitedHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__MaxSessionExpirySeconds"] = "2",
        ["Mqtt__MaxSessionsPerPrincipal"] = "3",
        ["Mqtt__MaxSessionsPerTenant"] = "5",
        ["Mqtt__MaxPendingMessagesPerClient"] = "10",
    };
}

/// <summary>
/// Nobody parks sessions without bound: each outlives its connection at most <c>Mqtt:MaxSessionExpirySeconds</c>, a principal
/// and a tenant hold only so many, and a full queue costs a counter, not a log line per dropped message.
/// </summary>
public sealed class SessionLimitTests(SessionLimitedHost host) : IClassFixture<SessionLimitedHost>
{
    [Fact]
    public async Task A_session_expiry_of_never_is_lowered_to_the_maximum_and_the_client_is_told()
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "alice"),
            configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(uint.MaxValue));

        Assert.True(client.Accepted);
        Assert.Equal(2u, client.ConnectResult.SessionExpiryInterval);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task A_kept_session_is_deleted_once_its_expiry_has_passed(MqttProtocolVersion version)
    {
        var token = host.Token(Tenants.New(), "alice");
        var clientId = "parked-" + Guid.NewGuid().ToString("N")[..8];
        Action<MqttClientOptionsBuilder> kept = o => o.WithCleanStart(false).WithSessionExpiryInterval(uint.MaxValue);
        await using (await TestClient.ConnectAsync(host, token, clientId: clientId, version: version, configure: kept))
        {
        }

        await using (var soon = await TestClient.ConnectAsync(host, token, clientId: clientId, version: version, configure: kept))
        {
            Assert.True(soon.ConnectResult.IsSessionPresent); // still there within its expiry
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var late = await TestClient.ConnectAsync(host, token, clientId: clientId, version: version, configure: kept);
        Assert.False(late.ConnectResult.IsSessionPresent);
    }

    [Fact]
    public async Task A_principal_over_its_session_quota_is_refused_and_others_are_not()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice");
        var held = new List<TestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await TestClient.ConnectAsync(host, alice, clientId: $"alice-{i}"));
            }

            await using var fourth = await TestClient.ConnectAsync(host, alice, clientId: "alice-3");
            Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, fourth.ConnectResult.ResultCode);

            await using var again = await TestClient.ConnectAsync(host, alice, clientId: "alice-0"); // one of her own: taken over
            Assert.True(again.Accepted);

            using var raw = await RawClient.OpenAsync(host.MqttPort);
            await raw.SendAsync(RawClient.Connect("alice-4", alice, cleanSession: true));
            Assert.True(await raw.ReadPacketAsync(TimeSpan.FromSeconds(5)) is [0x20, 2, 0, 3], "MQTT 3.1.1: CONNACK 3, server unavailable");

            await using var bob = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
            Assert.True(bob.Accepted);
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
    public async Task A_user_acting_as_each_of_its_devices_still_has_one_session_quota()
    {
        var alice = host.Token(Tenants.New(), "alice", devices: ["d1", "d2", "d3", "d4"]);
        var held = new List<TestClient>();
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                held.Add(await TestClient.ConnectAsync(host, alice, username: $"d{i}"));
                Assert.True(held[^1].Accepted);
            }

            await using var fourth = await TestClient.ConnectAsync(host, alice, username: "d4");
            Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, fourth.ConnectResult.ResultCode);
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
    public async Task A_clean_mqtt_3_1_session_ends_with_its_connection()
    {
        var t = Tenants.New();
        var alice = host.Token(t, "alice");
        for (var i = 0; i < 3; i++) // the principal's quota: each left a session behind, for ever
        {
            var pub = await Mosquitto.PubAsync(host, "mqttv31", null, alice, $"cw/{t}/broadcast", $"m{i}");
            Assert.True(pub.ExitCode == 0, pub.Output);
        }

        // The principal's sessions are back to none: a fourth has room (once the third one's end is processed).
        await Eventually.HoldsAsync(async () => (await Mosquitto.PubAsync(host, "mqttv31", null, alice, $"cw/{t}/broadcast", "again")).ExitCode == 0);
    }

    [Fact]
    public async Task A_tenant_over_its_session_quota_is_refused_and_other_tenants_are_not()
    {
        var t = Tenants.New();
        var held = new List<TestClient>();
        try
        {
            foreach (var user in new[] { "a", "a", "b", "b", "c" })
            {
                held.Add(await TestClient.ConnectAsync(host, host.Token(t, user)));
                Assert.True(held[^1].Accepted);
            }

            await using var sixth = await TestClient.ConnectAsync(host, host.Token(t, "d"));
            Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, sixth.ConnectResult.ResultCode);
            await using var elsewhere = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "d"));
            Assert.True(elsewhere.Accepted);
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
    public async Task Messages_dropped_from_a_full_queue_are_logged_as_a_summary()
    {
        var t = Tenants.New();
        var clientId = "slow-" + Guid.NewGuid().ToString("N")[..8];
        await using (var parked = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: clientId,
                         configure: o => o.WithCleanStart(false).WithSessionExpiryInterval(60)))
        {
            await parked.SubscribeAsync($"cw/{t}/broadcast");
        }

        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync($"cw/{t}/broadcast", $"m{i}");
        }

        var lines = Regex.Count(host.Logs, $"queue of t[0-9a-f]+/{clientId} is full");
        Assert.InRange(lines, 1, 2); // 90 dropped: one line, with the count of those held back in the next
    }
}
