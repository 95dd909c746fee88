using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Hostile;

/// <summary>A host whose packets must arrive whole within 2 s of their first byte.</summary>
public sealed class PacketTimeoutHost : BrokerHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mqtt__PacketTimeoutSeconds"] = "2" };
}

/// <summary>
/// Slowloris after CONNECT: a peer that trickles a packet, or stops in the middle of one, is disconnected once the packet
/// has taken <c>Mqtt:PacketTimeoutSeconds</c>, whatever its keepalive (0: never checked).
/// </summary>
public sealed class PacketTimeoutTests(PacketTimeoutHost host) : IClassFixture<PacketTimeoutHost>
{
    [Fact]
    public async Task A_client_trickling_a_packet_slower_than_the_timeout_is_disconnected()
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "slow-" + Guid.NewGuid().ToString("N")[..8], host.Token(Tenants.New(), "alice"), keepAlive: 0);
        var publish = RawClient.Publish("cw/t/broadcast", new string('x', 100), packetId: 1);
        var started = DateTime.UtcNow;
        var closed = client.ClosedWithinAsync(TimeSpan.FromSeconds(5));
        for (var i = 0; i < publish.Length - 1 && !closed.IsCompleted; i++)
        {
            await client.SendAsync([publish[i]]); // a byte every 250 ms: each read brings something, none a whole packet
            await Task.WhenAny(closed, Task.Delay(250));
        }

        Assert.True(await closed, "disconnected while still sending");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task An_mqtt_5_client_silent_in_the_middle_of_a_packet_gets_DISCONNECT_0x8D()
    {
        using var client = await RawClient.ConnectAsync(host.MqttPort, "stall-" + Guid.NewGuid().ToString("N")[..8], host.Token(Tenants.New(), "alice"), keepAlive: 0, protocolLevel: 5);
        await client.SendAsync([0x30, 0x10, 0x00]); // 3 bytes of an 18-byte PUBLISH, then nothing

        var disconnect = await client.ReadPacketAsync(TimeSpan.FromSeconds(4));
        Assert.True(disconnect is [0xE0, _, 0x8D, ..], $"DISCONNECT 0x8D (got {(disconnect is null ? "nothing" : Convert.ToHexString(disconnect))})");
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_client_whose_packets_arrive_in_pieces_within_the_timeout_is_served()
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await subscriber.SubscribeAsync($"cw/{t}/broadcast");
        using var client = await RawClient.ConnectAsync(host.MqttPort, "pieces-" + Guid.NewGuid().ToString("N")[..8], host.Token(t, "alice"), keepAlive: 0);

        for (ushort id = 1; id <= 3; id++)
        {
            var publish = RawClient.Publish($"cw/{t}/broadcast", $"m{id}", id);
            await client.SendAsync(publish[..5]);
            await Task.Delay(1000); // half the timeout; three such packets take longer than it, each within it
            await client.SendAsync(publish[5..]);
            Assert.True(await client.ReadPacketAsync(TimeSpan.FromSeconds(5)) is [0x40, 2, 0, var acked] && acked == id, "PUBACK");
            Assert.Equal($"m{id}", TestClient.Text(await subscriber.ReceiveAsync()));
        }
    }

    [Fact]
    public async Task A_packet_timeout_out_of_range_stops_the_host_with_one_line_naming_it()
    {
        var result = await ApiCommand.RunAsync(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?> { ["Mqtt__PacketTimeoutSeconds"] = "0" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Lines, line => line.StartsWith("error:", StringComparison.Ordinal) && line.Contains("PacketTimeoutSeconds", StringComparison.Ordinal));
    }
}
