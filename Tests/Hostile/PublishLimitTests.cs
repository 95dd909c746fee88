using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Exceptions;

namespace CreatiWall.Tests.Hostile;

/// <summary>A host that lets each client publish 5 messages and 4 KiB at once, then hardly anything (one message per 100 s, 1 byte/s).</summary>
public class PublishLimitedHost : BrokerHost
{
    protected virtual string Action => "Disconnect";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__PublishesPerSecond"] = "0.01",
        ["Mqtt__PublishBurst"] = "5",
        ["Mqtt__MaxPacketBytes"] = "4096",
        ["Mqtt__PublishBytesPerSecond"] = "1",
        ["Mqtt__PublishBytesBurst"] = "4096",
        ["Mqtt__PublishLimitAction"] = Action,
    };
}

/// <summary>The same limits, with what goes over them dropped and counted instead of the client disconnected.</summary>
public sealed class PublishDroppingHost : PublishLimitedHost
{
    protected override string Action => "Drop";
}

/// <summary>A client publishing faster than its rate (messages or bytes) is disconnected with 0x96; the others carry on.</summary>
public sealed class PublishLimitTests(PublishLimitedHost host) : IClassFixture<PublishLimitedHost>
{
    [Theory]
    [InlineData("publish-rate", 100, 6)] // the sixth message is one too many
    [InlineData("publish-bytes", 3000, 2)] // the second 3,000 bytes are too many
    public async Task A_client_over_its_publish_rate_gets_DISCONNECT_0x96_and_the_others_carry_on(string limit, int size, int count)
    {
        var t = Tenants.New();
        var topic = $"cw/{t}/broadcast";
        await using var watcher = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await watcher.SubscribeAsync(topic);
        await using var flooder = await TestClient.ConnectAsync(host, host.Token(t, "mallory"));
        var sent = Enumerable.Range(0, count).Select(i => $"{i}:" + new string('x', size)).ToList();
        foreach (var message in sent[..^1])
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, (await flooder.PublishAsync(topic, message)).ReasonCode);
        }

        try
        {
            await flooder.PublishAsync(topic, sent[^1]); // its PUBACK (0x97) and the DISCONNECT race
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException)
        {
        }

        var disconnected = await flooder.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.MessageRateTooHigh, disconnected.Reason);

        await using var other = await TestClient.ConnectAsync(host, host.Token(t, "carol"));
        await other.PublishAsync(topic, "sentinel");
        Assert.Equal(sent[..^1], (await watcher.ReceiveUntilAsync(topic, "sentinel")).Select(TestClient.Text));
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", $"limit=\"{limit}\"", 1);
        Assert.Contains($"publishes over its limit ({limit}): disconnected (0x96)", host.Logs, StringComparison.Ordinal);
    }
}

/// <summary>With <c>Mqtt:PublishLimitAction=Drop</c>, what goes over the rate is dropped and counted (PUBACK 0x97) and the client stays.</summary>
public sealed class PublishDropTests(PublishDroppingHost host) : IClassFixture<PublishDroppingHost>
{
    [Fact]
    public async Task Publishes_over_the_rate_are_dropped_with_0x97_and_the_client_stays_connected()
    {
        var t = Tenants.New();
        var topic = $"cw/{t}/broadcast";
        await using var watcher = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await watcher.SubscribeAsync(topic);
        await using var flooder = await TestClient.ConnectAsync(host, host.Token(t, "mallory"));

        var codes = new List<MqttClientPublishReasonCode>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add((await flooder.PublishAsync(topic, $"m{i}")).ReasonCode);
        }

        Assert.Equal([.. Enumerable.Repeat(MqttClientPublishReasonCode.Success, 5), .. Enumerable.Repeat(MqttClientPublishReasonCode.QuotaExceeded, 3)], codes);
        Assert.True(flooder.Client.IsConnected);
        await using var other = await TestClient.ConnectAsync(host, host.Token(t, "carol"));
        await other.PublishAsync(topic, "sentinel");
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], (await watcher.ReceiveUntilAsync(topic, "sentinel")).Select(TestClient.Text));
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"publish-rate\"", 3);
        Assert.Contains("publishes over its limit (publish-rate): dropped", host.Logs, StringComparison.Ordinal);
    }
}
