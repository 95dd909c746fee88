using System.Text.RegularExpressions;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// What a client can repeat at will costs a counter, not a log line each, and what it chose (client id, topic, filter)
/// never writes a line of its own into the log: refusals are logged at most once per 10 s per kind, with control
/// characters escaped and long values cut. A host of its own, so its log holds only these tests' lines.
/// </summary>
public sealed partial class LogFloodTests(BrokerHost host) : IClassFixture<BrokerHost>
{
    [Fact]
    public async Task Ten_thousand_refused_publishes_log_a_line_or_two_and_no_line_of_their_own()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var client = await TestClient.ConnectAsync(host, host.Token(t, "mallory"), clientId: "flood\nFAKE-CLIENT-LINE", version: MqttProtocolVersion.V311);
        var injected = $"cw/{other}/broadcast\nFAKE-TOPIC-LINE " + new string('A', 5000);
        await client.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(injected).WithPayload("x").Build());
        for (var i = 0; i < 10_000; i++)
        {
            await client.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"cw/{other}/broadcast").WithPayload("x").Build());
        }

        await client.PublishAsync($"cw/{t}/broadcast", "sentinel"); // QoS 1: acknowledged after all the above were handled
        await Eventually.HoldsAsync(() => Task.FromResult(host.Logs.Contains("MQTT publish refused", StringComparison.Ordinal)));

        var logs = host.Logs;
        Assert.Contains($"/flood\\u000aFAKE-CLIENT-LINE cw/{other}/broadcast\\u000aFAKE-TOPIC-LINE AAA", logs);
        Assert.DoesNotContain("\nFAKE-", logs);
        Assert.DoesNotContain(new string('A', 200), logs);
        Assert.InRange(Regex.Count(logs, "MQTT publish refused"), 1, 2);
        await Eventually.HoldsAsync(async () => await CounterAsync("cw_mqtt_publishes_refused_total") >= 10_001); // each one counted
    }

    [Fact]
    public async Task A_thousand_refused_subscriptions_log_a_line_or_two_and_no_line_of_their_own()
    {
        var (t, other) = (Tenants.New(), Tenants.New());
        await using var client = await TestClient.ConnectAsync(host, host.Token(t, "mallory"));
        for (var packet = 0; packet < 10; packet++)
        {
            var filters = Enumerable.Range(0, 100).Select(i => $"cw/{other}/channels/c{packet}-{i}").ToArray();
            if (packet == 0)
            {
                filters[0] = $"cw/{other}/channels/x\r\nFAKE-FILTER-LINE";
            }

            Assert.All(await client.SubscribeAsync(filters), code => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, code));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(host.Logs.Contains("MQTT subscription refused", StringComparison.Ordinal)));
        var logs = host.Logs;
        Assert.Contains($"cw/{other}/channels/x\\u000d\\u000aFAKE-FILTER-LINE", logs);
        Assert.DoesNotContain("\nFAKE-", logs);
        Assert.InRange(Regex.Count(logs, "MQTT subscription refused"), 1, 2);
        await Eventually.HoldsAsync(async () => await CounterAsync("cw_mqtt_subscriptions_refused_total") >= 1000); // each one counted
    }

    async Task<long> CounterAsync(string name)
    {
        var (_, text) = await host.GetTextAsync("/metrics", host.Token(Principal.AllTenants, "prometheus", Role.Ops));
        return Counter().Matches(text).Where(m => m.Groups[1].Value == name).Sum(m => (long)double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(\w+)(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex Counter();
}
