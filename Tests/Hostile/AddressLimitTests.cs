using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// A host that lets one address send 5 CONNECTs, then one per 100 s, and bans an address for 3 s after 3 failed
/// authentications. Every other host's tests come from 127.0.0.1; these connect from addresses of their own.
/// </summary>
public sealed class AddressLimitedHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__ConnectsPerAddressPerSecond"] = "0.01",
        ["Mqtt__ConnectBurstPerAddress"] = "5",
        ["Mqtt__AuthFailuresPerAddress"] = "3",
        ["Mqtt__AuthFailureWindowSeconds"] = "600",
        ["Mqtt__AuthBanSeconds"] = "3",
    };
}

/// <summary>
/// Per remote address: CONNECTs beyond the address's rate get CONNACK 0x9F (MQTT 3.1.1: 3), and an address that fails
/// authentication again and again is banned for a while (0x8A; 3.1.1: 3), whatever token it sends. Clients already
/// connected from that address and clients of other addresses carry on.
/// </summary>
public sealed class AddressLimitTests(AddressLimitedHost host) : IClassFixture<AddressLimitedHost>
{
    [Fact]
    public async Task Connects_over_the_address_rate_are_refused_and_other_addresses_and_live_clients_carry_on()
    {
        var t = Tenants.New();
        var held = new List<TestClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                held.Add(await TestClient.ConnectAsync(host, host.Token(t, $"u{i}"), configure: TestClient.From("127.0.0.5")));
                Assert.True(held[^1].Accepted);
            }

            await using var sixth = await TestClient.ConnectAsync(host, host.Token(t, "u5"), configure: TestClient.From("127.0.0.5"));
            Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, sixth.ConnectResult.ResultCode);
            Assert.Equal("more than 0.01 CONNECTs per second from 127.0.0.5", sixth.ConnectResult.ReasonString);
            var v311 = await Mosquitto.PubAsync(host, "mqttv311", null, host.Token(t, "u6"), $"cw/{t}/broadcast", "x", "-A", "127.0.0.5");
            Assert.True(v311.ExitCode != 0 && v311.Output.Contains("unavailable", StringComparison.Ordinal), v311.Output); // CONNACK 3

            await using var elsewhere = await TestClient.ConnectAsync(host, host.Token(t, "u7"), configure: TestClient.From("127.0.0.6"));
            Assert.True(elsewhere.Accepted);
            await held[0].SubscribeAsync($"cw/{t}/broadcast");
            await held[1].PublishAsync($"cw/{t}/broadcast", "from a connected client of the limited address");
            await elsewhere.PublishAsync($"cw/{t}/broadcast", "from another address");
            Assert.Equal("from a connected client of the limited address", TestClient.Text(await held[0].ReceiveAsync()));
            Assert.Equal("from another address", TestClient.Text(await held[0].ReceiveAsync()));

            await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"connect-rate\"", 2);
            Assert.Contains("code=0x9F: more than 0.01 CONNECTs per second from 127.0.0.5", host.Logs, StringComparison.Ordinal);
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
    public async Task An_address_failing_authentication_is_banned_for_a_while_whatever_token_it_sends_and_others_are_not()
    {
        var t = Tenants.New();
        var forged = host.Token(t, "mallory")[..^4] + "AAAA";
        for (var i = 0; i < 3; i++)
        {
            await using var guess = await TestClient.ConnectAsync(host, forged, configure: TestClient.From("127.0.0.3"));
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, guess.ConnectResult.ResultCode);
        }

        await using (var banned = await TestClient.ConnectAsync(host, host.Token(t, "alice"), configure: TestClient.From("127.0.0.3")))
        {
            Assert.Equal(MqttClientConnectResultCode.Banned, banned.ConnectResult.ResultCode);
            Assert.Equal("too many failed authentications from 127.0.0.3: banned for up to 3 s", banned.ConnectResult.ReasonString);
        }

        var v311 = await Mosquitto.PubAsync(host, "mqttv311", null, host.Token(t, "alice"), $"cw/{t}/broadcast", "x", "-A", "127.0.0.3");
        Assert.True(v311.ExitCode != 0 && v311.Output.Contains("unavailable", StringComparison.Ordinal), v311.Output); // CONNACK 3
        await using (var other = await TestClient.ConnectAsync(host, host.Token(t, "alice"), configure: TestClient.From("127.0.0.4")))
        {
            Assert.True(other.Accepted);
        }

        Assert.Contains("MQTT address 127.0.0.3 banned for 3 s: 3 failed authentications within 600 s", host.Logs, StringComparison.Ordinal);
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"auth-ban\"", 1);
        await Counters.ReachAsync(host, "cw_mqtt_connects_refused_total", "reason=\"banned\"", 2);

        await Task.Delay(TimeSpan.FromSeconds(3)); // the ban's length: then the address is welcome again
        await using var back = await TestClient.ConnectAsync(host, host.Token(t, "alice"), configure: TestClient.From("127.0.0.3"));
        Assert.True(back.Accepted);
    }
}
