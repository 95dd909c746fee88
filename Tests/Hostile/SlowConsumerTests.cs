using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Hostile;

/// <summary>A host that disconnects slow consumers, with a queue of 10 messages per client.</summary>
public sealed class SlowConsumerHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mqtt__DisconnectSlowConsumers"] = "true",
        ["Mqtt__MaxPendingMessagesPerClient"] = "10",
    };
}

/// <summary>
/// With <c>Mqtt:DisconnectSlowConsumers</c>, a client that stops reading (a frozen screen app: mosquitto_sub stopped with
/// SIGSTOP) is disconnected with 0x97 once its queue overflows, instead of losing messages without a word; a client
/// that keeps up receives every message, and the publisher carries on.
/// </summary>
public sealed class SlowConsumerTests(SlowConsumerHost host) : IClassFixture<SlowConsumerHost>
{
    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_with_0x97_and_the_others_get_everything()
    {
        var t = Tenants.New();
        var topic = $"cw/{t}/broadcast";
        await using var slow = Mosquitto.StartSub(host, "mqttv5", null, host.Token(t, "frozen"), "-t", topic);
        await slow.SubscribedAsync();
        await using var watcher = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await watcher.SubscribeAsync(topic);
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        slow.Process.Signal("STOP");
        try
        {
            // 64 KiB a message: the stopped client's socket buffers and the host's output pipe fill (a few MB), then its queue.
            var payload = new string('x', 64 * 1024);
            var sent = 0;
            while (!host.Logs.Contains("is a slow consumer", StringComparison.Ordinal))
            {
                Assert.True(sent < 2000, "the stopped client was never found slow");
                await publisher.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"{sent++}:{payload}")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            await publisher.PublishAsync(topic, "sentinel");
            var received = await watcher.ReceiveUntilAsync(topic, "sentinel");
            Assert.Equal(Enumerable.Range(0, sent).Select(i => i.ToString()), received.Select(m => TestClient.Text(m).Split(':')[0]));
        }
        finally
        {
            slow.Process.Signal("CONT");
        }

        // Once it reads again, what was sent before the DISCONNECT arrives (its PUBACKs read and dropped meanwhile: unread,
        // they would reset the connection and lose it all), then the DISCONNECT: 0x97 = 151.
        await slow.WaitForLineAsync(line => line == "Received DISCONNECT (151)", TimeSpan.FromSeconds(30));
        Assert.True(publisher.Client.IsConnected && watcher.Client.IsConnected);
        await Counters.ReachAsync(host, "cw_mqtt_limits_hit_total", "limit=\"slow-consumer\"", 1);
    }
}
