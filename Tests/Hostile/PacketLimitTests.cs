using System.Net.WebSockets;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace CreatiWall.Tests.Hostile;

/// <summary>
/// Denials of service that need no token: a peer that stops mid-packet, and packets larger than the broker allows, end
/// the connection at once instead of holding a thread or buffering what they announce.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class PacketLimitTests(BrokerHost host)
{
    /// <summary>Well under the connect timeout (10 s), the only thing that ended such connections before.</summary>
    static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_peer_that_half_closes_inside_its_first_packet_is_disconnected_at_once()
    {
        using var client = await RawClient.OpenAsync(host.MqttPort);
        await client.SendAsync([0x10, 0x05, 0x00]);
        client.EndSending();

        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Fact]
    public async Task A_client_with_keepalive_0_that_half_closes_inside_a_packet_is_disconnected_at_once()
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "half-" + Guid.NewGuid().ToString("N")[..8], host.Token("t1", "alice"), keepAlive: 0);
        await client.SendAsync([0x30, 0x05, 0x00]);
        client.EndSending();

        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Fact]
    public async Task Websocket_peers_that_close_inside_their_first_packet_cost_no_cpu()
    {
        await UntilTheHostIsQuietAsync();
        var before = host.CpuTime;
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                socket.Options.AddSubProtocol("mqtt");
                await socket.ConnectAsync(new Uri(host.WebSocketUri), CancellationToken.None);
                await socket.SendAsync(new byte[] { 0x10, 0x05, 0x00 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }

            // Each such connection used to hold a core until the connect timeout: four of them, both cores.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var used = host.CpuTime - before;
            Assert.True(used < TimeSpan.FromMilliseconds(1000), $"the host used {used.TotalMilliseconds:F0} ms of CPU in 1 s with four closed peers");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Waits (at most 5 s) for a quarter second in which the host used under 50 ms of CPU: earlier tests' work is done.</summary>
    async Task UntilTheHostIsQuietAsync()
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline;)
        {
            var before = host.CpuTime;
            await Task.Delay(250);
            if (host.CpuTime - before < TimeSpan.FromMilliseconds(50))
            {
                return;
            }
        }
    }

    [Fact]
    public async Task A_CONNECT_announcing_256_MB_is_refused_before_its_body_is_sent()
    {
        using var client = await RawClient.OpenAsync(host.MqttPort);
        await client.SendAsync([0x10, 0xFF, 0xFF, 0xFF, 0x7F]);

        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Fact]
    public async Task A_first_packet_that_is_not_CONNECT_is_refused_before_its_body_is_sent()
    {
        using var client = await RawClient.OpenAsync(host.MqttPort);
        await client.SendAsync([0x30, 0xFF, 0xFF, 0x7F]);

        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Fact]
    public async Task A_publish_announcing_more_than_the_packet_limit_gets_DISCONNECT_0x95_in_mqtt_5()
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "big-" + Guid.NewGuid().ToString("N")[..8], host.Token("t1", "alice"), protocolLevel: 5);
        await client.SendAsync([0x30, 0x81, 0x80, 0x40]); // a PUBLISH of 1 MiB + 1 byte, of which only the header is sent

        var disconnect = await client.ReadPacketAsync(AtOnce);
        Assert.True(disconnect is [0xE0, _, 0x95, ..], $"DISCONNECT 0x95 (got {(disconnect is null ? "nothing" : Convert.ToHexString(disconnect))})");
        Assert.True(await client.ClosedWithinAsync(AtOnce));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_publish_over_the_packet_limit_ends_the_connection(MqttProtocolVersion version)
    {
        await using var client = await TestClient.ConnectAsync(host, host.Token("t1", "alice"), version: version);
        try
        {
            await client.Client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("cw/t1/broadcast").WithPayload(new byte[1024 * 1024 + 1]).Build());
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            // the broker closed the connection while the client was still writing the packet
        }

        await client.Disconnected.WaitAsync(AtOnce);
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.WebSocket)]
    public async Task A_publish_just_under_the_packet_limit_is_delivered(Transport transport)
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"), transport: transport);
        await subscriber.SubscribeAsync($"cw/{t}/broadcast");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"), transport: transport);

        var payload = new byte[1024 * 1024 - 64];
        Random.Shared.NextBytes(payload);
        await publisher.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"cw/{t}/broadcast").WithPayload(payload).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.Equal(payload, System.Buffers.BuffersExtensions.ToArray((await subscriber.ReceiveAsync()).Payload));
    }
}
