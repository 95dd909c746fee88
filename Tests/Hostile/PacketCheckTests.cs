using System.Text;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// Packets that cost the broker more than their bytes, or that MQTT calls malformed, end the connection
/// (<c>PacketChecks</c>, <c>PacketFrame</c>): topic aliases (the broker announces none), user-property floods, empty
/// SUBSCRIBE and UNSUBSCRIBE, CONNECTs with reserved bits set. A client that keeps to MQTT does not notice.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class PacketCheckTests(BrokerHost host)
{
    static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_publish_with_a_topic_alias_gets_DISCONNECT_0x94_and_is_closed()
    {
        var t = Tenants.New();
        using var client = await RawClient.ConnectAsync(host.MqttPort, "alias-" + Guid.NewGuid().ToString("N")[..8], host.Token(t, "alice"), protocolLevel: 5);
        await client.SendAsync(Publish5($"cw/{t}/broadcast", [0x23, 0x00, 0x01])); // Topic Alias 1

        var disconnect = await client.ReadPacketAsync(AtOnce);
        Assert.True(disconnect is [0xE0, _, 0x94, ..], $"DISCONNECT 0x94 (got {Hex(disconnect)})");
        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Fact]
    public async Task A_publish_with_more_than_64_user_properties_is_closed()
    {
        var t = Tenants.New();
        using var client = await RawClient.ConnectAsync(host.MqttPort, "props-" + Guid.NewGuid().ToString("N")[..8], host.Token(t, "alice"), protocolLevel: 5);
        await client.SendAsync(Publish5($"cw/{t}/broadcast", UserProperties(65)));

        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Theory]
    [InlineData(0x82)] // SUBSCRIBE
    [InlineData(0xA2)] // UNSUBSCRIBE
    public async Task A_subscribe_or_unsubscribe_without_topic_filters_is_closed(byte type)
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "empty-" + Guid.NewGuid().ToString("N")[..8], host.Token(Tenants.New(), "alice"));
        await client.SendAsync([type, 0x02, 0x00, 0x01]); // packet id 1, no topic filter

        Assert.True(await client.ClosedWithinAsync(AtOnce), "closed, without a SUBACK or UNSUBACK");
    }

    [Theory]
    [InlineData(4, 0x11, 0x02)] // fixed header flags of CONNECT must be 0 (MQTT 3.1.1 2.2.2)
    [InlineData(5, 0x11, 0x02)]
    [InlineData(5, 0x10, 0x03)] // reserved bit 0 of the Connect Flags must be 0 (MQTT 5 3.1.2.3, MQTT-3.1.2-3)
    public async Task A_connect_with_a_reserved_bit_set_is_closed_without_CONNACK(byte level, byte fixedHeader, byte connectFlags)
    {
        var connect = RawClient.Connect("reserved-" + Guid.NewGuid().ToString("N")[..8], host.Token(Tenants.New(), "alice"), cleanSession: true, protocolLevel: level);
        connect[0] = fixedHeader;
        connect[connect.AsSpan().IndexOf("MQTT"u8) + 5] = connectFlags; // after the protocol name and level

        using var client = await RawClient.OpenAsync(host.MqttPort);
        await client.SendAsync(connect);

        var answer = await client.ReadPacketAsync(AtOnce);
        Assert.True(answer is null, $"closed without CONNACK (got {Hex(answer)})");
    }

    [Fact]
    public async Task A_client_keeping_to_mqtt_is_told_no_topic_aliases_and_is_served()
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await subscriber.SubscribeAsync($"cw/{t}/broadcast");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        Assert.Equal(0, publisher.ConnectResult.TopicAliasMaximum);

        var message = new MqttApplicationMessageBuilder().WithTopic($"cw/{t}/broadcast").WithPayload("hello")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        for (var i = 0; i < 64; i++)
        {
            message.WithUserProperty($"k{i}", new ReadOnlyMemory<byte>("v"u8.ToArray()));
        }

        var result = await publisher.Client.PublishAsync(message.Build());
        Assert.True(result.IsSuccess);
        var received = await subscriber.ReceiveAsync();
        Assert.Equal("hello", TestClient.Text(received));
        Assert.Equal(64, received.UserProperties.Count);
        Assert.True(publisher.Client.IsConnected);
    }

    /// <summary>An MQTT 5 PUBLISH (QoS 0) with the given properties.</summary>
    static byte[] Publish5(string topic, byte[] properties)
    {
        var body = new List<byte>();
        RawClient.AddString(body, topic);
        AddVariableInteger(body, properties.Length);
        body.AddRange(properties);
        body.AddRange(Encoding.UTF8.GetBytes("x"));
        return RawClient.Packet(0x30, body);
    }

    static byte[] UserProperties(int count)
    {
        var properties = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            properties.Add(0x26);
            RawClient.AddString(properties, "k");
            RawClient.AddString(properties, "v");
        }

        return [.. properties];
    }

    static void AddVariableInteger(List<byte> body, int value)
    {
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            body.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);
    }

    static string Hex(byte[]? packet) => packet is null ? "nothing" : Convert.ToHexString(packet);
}
