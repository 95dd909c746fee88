using System.Net.Sockets;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Mqtt;

/// <summary>
/// A client that disconnects cleanly and connects again at once under the same client id (a reloaded page, a restarted
/// agent) must get a working connection, however the broker's cleanup of the old one interleaves with the new CONNECT.
/// Raw MQTT 3.1.1 over a socket, as a lightweight device client sends it, as fast as loopback allows.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class QuickReconnectTests(BrokerHost host)
{
    [Fact]
    public async Task A_connection_made_right_after_a_clean_disconnect_of_the_same_client_id_keeps_working()
    {
        // Several clients at once: the broker's threads are busy, as in a fleet, which is when the cleanup of an old
        // connection and the next CONNECT overlap.
        var token = host.Token("t1", "quick-reconnect");
        await Task.WhenAll(Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            var clientId = $"quick-reconnect-{c}";
            for (var round = 0; round < 40; round++)
            {
                var step = "old connect";
                try
                {
                    using (var old = await RawClient.ConnectAsync(host.MqttPort, clientId, token))
                    {
                        step = "old disconnect";
                        await old.SendAsync([0xE0, 0x00]); // DISCONNECT, then the socket closes
                    }

                    step = "new connect";
                    using var next = await RawClient.ConnectAsync(host.MqttPort, clientId, token);
                    step = "new publish";
                    await next.SendAsync(RawClient.Publish("cw/t1/broadcast", $"round {round}", packetId: 1));
                    var ack = await next.ReadPacketAsync(TimeSpan.FromSeconds(5));
                    Assert.True(ack is [0x40, ..], $"no PUBACK on the new connection (got {(ack is null ? "a closed connection" : $"0x{ack[0]:X2}")})");
                }
                catch (Exception e) when (e is SocketException or Xunit.Sdk.XunitException)
                {
                    throw new InvalidOperationException($"{clientId}, round {round}, {step}: {e.Message}", e);
                }
            }
        })));
    }
}
