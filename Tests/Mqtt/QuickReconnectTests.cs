using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    sealed class RawClient(Socket socket) : IDisposable
    {
        readonly byte[] _buffer = new byte[4096];
        int _filled;

        public static async Task<RawClient> ConnectAsync(int port, string clientId, string password)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var client = new RawClient(socket);
            var body = new List<byte>();
            body.AddRange([0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0xC2, 0, 60]); // user, password, clean session
            AddString(body, clientId);
            AddString(body, "");
            AddString(body, password);
            await client.SendAsync(Packet(0x10, body));
            var connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(5));
            Assert.True(connAck is [0x20, _, _, 0], "CONNACK accepted");
            return client;
        }

        public static byte[] Publish(string topic, string payload, ushort packetId)
        {
            var body = new List<byte>();
            AddString(body, topic);
            body.Add((byte)(packetId >> 8));
            body.Add((byte)packetId);
            body.AddRange(Encoding.UTF8.GetBytes(payload));
            return Packet(0x32, body); // QoS 1
        }

        public async Task SendAsync(byte[] packet) => await socket.SendAsync(packet, SocketFlags.None);

        /// <summary>The next whole packet (fixed header included), or null when the connection closed or nothing came.</summary>
        public async Task<byte[]?> ReadPacketAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    if (TryTake(out var packet))
                    {
                        return packet;
                    }

                    var read = await socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cancel.Token);
                    if (read == 0)
                    {
                        return null;
                    }

                    _filled += read;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                return null;
            }
        }

        bool TryTake(out byte[] packet)
        {
            packet = [];
            int length = 0, shift = 0, i = 1;
            while (true)
            {
                if (i >= _filled)
                {
                    return false;
                }

                length |= (_buffer[i] & 0x7F) << shift;
                shift += 7;
                if ((_buffer[i++] & 0x80) == 0)
                {
                    break;
                }
            }

            if (_filled < i + length)
            {
                return false;
            }

            packet = _buffer[..(i + length)];
            Buffer.BlockCopy(_buffer, i + length, _buffer, 0, _filled - i - length);
            _filled -= i + length;
            return true;
        }

        static void AddString(List<byte> body, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
            body.AddRange(length);
            body.AddRange(bytes);
        }

        static byte[] Packet(byte type, List<byte> body)
        {
            var packet = new List<byte> { type };
            var remaining = body.Count;
            do
            {
                var digit = (byte)(remaining % 128);
                remaining /= 128;
                packet.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
            }
            while (remaining > 0);

            packet.AddRange(body);
            return [.. packet];
        }

        public void Dispose() => socket.Dispose();
    }
}
