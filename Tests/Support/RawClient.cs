using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CreatiWall.Tests.Support;

/// <summary>
/// MQTT as bytes on a socket, as a lightweight device (or an attacker) sends it: for what a full client library will
/// not send, and for the timing of a connection's end.
/// </summary>
public sealed class RawClient(Socket socket) : IDisposable
{
    readonly byte[] _buffer = new byte[4096];
    int _filled;

    /// <summary>A TCP connection to the broker on which nothing was sent yet.</summary>
    public static async Task<RawClient> OpenAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawClient(socket);
    }

    /// <summary>Connects with MQTT 3.1.1 and checks that the CONNACK accepts.</summary>
    public static async Task<RawClient> ConnectAsync(int port, string clientId, string password, ushort keepAlive = 60, byte protocolLevel = 4)
    {
        var client = await OpenAsync(port);
        await client.SendAsync(Connect(clientId, password, cleanSession: true, keepAlive, protocolLevel));
        var connAck = await client.ReadPacketAsync(TimeSpan.FromSeconds(5));
        Assert.True(connAck is [0x20, _, _, 0, ..], "CONNACK accepted");
        return client;
    }

    /// <summary>A CONNECT (3.1.1, or 5 with no properties) with an empty username and the token as password.</summary>
    public static byte[] Connect(string clientId, string password, bool cleanSession, ushort keepAlive = 60, byte protocolLevel = 4)
    {
        var body = new List<byte>();
        body.AddRange([0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', protocolLevel, (byte)(cleanSession ? 0xC2 : 0xC0), (byte)(keepAlive >> 8), (byte)keepAlive]);
        if (protocolLevel == 5)
        {
            body.Add(0); // no properties
        }

        AddString(body, clientId);
        AddString(body, "");
        AddString(body, password);
        return Packet(0x10, body);
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

    /// <summary>Half-closes the connection: the broker reads its end (FIN) while this side can still read.</summary>
    public void EndSending() => socket.Shutdown(SocketShutdown.Send);

    /// <summary>Whether the broker closed the connection within <paramref name="timeout"/> (packets before that are skipped).</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ReadPacketAsync(deadline - DateTime.UtcNow) is null)
            {
                return DateTime.UtcNow < deadline;
            }
        }

        return false;
    }

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

    public static void AddString(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
        body.AddRange(length);
        body.AddRange(bytes);
    }

    public static byte[] Packet(byte type, List<byte> body)
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
