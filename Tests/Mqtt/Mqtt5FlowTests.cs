using CreatiWall.Tests.Support;
using MQTTnet;

namespace CreatiWall.Tests.Mqtt;

/// <summary>MQTT 5 flow control and limits (OASIS MQTT 5.0 §3.1.2.11, §3.2.2.3, §4.9) with real MQTT 5 clients.</summary>
[Collection(SharedHost.Name)]
public sealed class Mqtt5FlowTests(BrokerHost host)
{
    [Fact]
    public async Task A_client_with_receive_maximum_2_never_has_more_than_2_unacknowledged_publishes()
    {
        var t = Tenants.New();
        var held = new List<MqttApplicationMessageReceivedEventArgs>();
        var all = new List<string>();
        await using var slow = await TestClient.ConnectAsync(host, host.Token(t, "slow"), configure: o => o.WithReceiveMaximum(2));
        slow.Client.ApplicationMessageReceivedAsync += e =>
        {
            lock (held)
            {
                e.AutoAcknowledge = false; // acknowledged below, when the test says so
                held.Add(e);
                all.Add(TestClient.Text(e.ApplicationMessage));
            }

            return Task.CompletedTask;
        };
        await slow.SubscribeAsync($"cw/{t}/channels/flow");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "fast"));

        for (var n = 1; n <= 5; n++)
        {
            await publisher.PublishAsync($"cw/{t}/channels/flow", $"m{n}");
        }

        await Eventually.HoldsAsync(() => Task.FromResult(Count(held) == 2));
        await Task.Delay(300); // a third would come at once if the window were not kept
        Assert.Equal(2, Count(held));

        while (all.Count < 5)
        {
            MqttApplicationMessageReceivedEventArgs[] acks;
            lock (held)
            {
                acks = [.. held];
                held.Clear();
            }

            foreach (var ack in acks)
            {
                await ack.AcknowledgeAsync(CancellationToken.None);
            }

            await Task.Delay(20);
            Assert.True(Count(held) <= 2);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], all);
    }

    [Fact]
    public async Task A_message_larger_than_the_clients_maximum_packet_size_is_dropped_for_it_alone()
    {
        var t = Tenants.New();
        await using var small = await TestClient.ConnectAsync(host, host.Token(t, "small"), configure: o => o.WithMaximumPacketSize(64));
        await using var large = await TestClient.ConnectAsync(host, host.Token(t, "large"));
        await small.SubscribeAsync($"cw/{t}/channels/size");
        await large.SubscribeAsync($"cw/{t}/channels/size");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "editor"));

        await publisher.PublishAsync($"cw/{t}/channels/size", new string('x', 60)); // about 92 bytes as a PUBLISH
        await publisher.PublishAsync($"cw/{t}/channels/size", "ok");

        Assert.Equal("ok", TestClient.Text(await small.ReceiveAsync()));
        Assert.Equal(60, TestClient.Text(await large.ReceiveAsync()).Length);
    }

    [Fact]
    public async Task Connack_announces_the_brokers_maximum_packet_size()
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "alice"));

        Assert.Equal(1024u * 1024, client.ConnectResult.MaximumPacketSize);
    }

    [Theory]
    [InlineData(0, 300)]
    [InlineData(65535, 300)]
    [InlineData(30, 0)]
    public async Task A_client_asking_for_no_keepalive_or_a_huge_one_gets_the_servers(ushort asked, ushort expected)
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token(Tenants.New(), "alice"), configure: o => o.WithKeepAlivePeriod(TimeSpan.FromSeconds(asked)));

        Assert.Equal(expected, client.ConnectResult.ServerKeepAlive);
    }

    [Fact]
    public async Task A_subscribe_asking_for_qos_3_is_a_malformed_packet()
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "qos3-" + Guid.NewGuid().ToString("N")[..8], host.Token(Tenants.New(), "alice"), protocolLevel: 5);
        var body = new List<byte> { 0x00, 0x01, 0x00 }; // packet id 1, no properties
        RawClient.AddString(body, "cw/x/broadcast");
        body.Add(0x03); // QoS 3

        await client.SendAsync(RawClient.Packet(0x82, body));

        var reply = await client.ReadPacketAsync(TimeSpan.FromSeconds(2));
        Assert.True(reply is null or [0xE0, _, 0x81, ..], "DISCONNECT 0x81 or closed, never a SUBACK");
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(2)));
    }

    static int Count(List<MqttApplicationMessageReceivedEventArgs> held)
    {
        lock (held)
        {
            return held.Count;
        }
    }
}
