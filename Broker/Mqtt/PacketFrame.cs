using System.Buffers;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// A packet's fixed header: its first byte and its announced length, read from the first two to five bytes so a packet
/// can be judged before any of its body is buffered.
/// </summary>
public readonly record struct PacketFrame(byte FixedHeader, int HeaderLength, int BodyLength)
{
    /// <summary>
    /// The most a CONNECT may take: a token is at most 8 KB (<c>TokenValidator.MaxTokenBytes</c>); ids, a will and
    /// properties fit in the rest. Anything larger is refused before it is read, as no credentials have been checked yet.
    /// </summary>
    public const int MaxConnectBytes = 16 * 1024;

    public int TotalLength => HeaderLength + BodyLength;

    public int PacketType => FixedHeader >> 4;

    public enum Status
    {
        /// <summary>More bytes are needed to know the length.</summary>
        Incomplete,
        Read,
        /// <summary>The remaining length runs past four bytes (MQTT 2.2.3).</summary>
        Malformed,
    }

    public static Status TryRead(in ReadOnlySequence<byte> buffer, out PacketFrame frame)
    {
        frame = default;
        Span<byte> head = stackalloc byte[5];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        var length = 0;
        for (var i = 1; i < head.Length; i++)
        {
            if (i >= available)
            {
                return Status.Incomplete;
            }

            length |= (head[i] & 0x7F) << (7 * (i - 1));
            if ((head[i] & 0x80) == 0)
            {
                frame = new PacketFrame(head[0], i + 1, length);
                return Status.Read;
            }
        }

        return Status.Malformed;
    }

    /// <summary>
    /// Why this packet must not be read, or null when it may: the first packet must be a CONNECT of at most
    /// <see cref="MaxConnectBytes"/>, every packet at most <paramref name="maxPacketBytes"/>.
    /// </summary>
    public PacketRefusal? Refusal(bool first, int maxPacketBytes) =>
        first && PacketType != 1 ? new PacketRefusal("not-connect-first", "the first packet is not CONNECT")
        : first && FixedHeader != 0x10 ? new PacketRefusal("malformed-header", "a CONNECT with reserved flags set")
        : first && TotalLength > MaxConnectBytes ? new PacketRefusal("connect-too-large", $"a CONNECT of {TotalLength} bytes (at most {MaxConnectBytes})")
        : TotalLength > maxPacketBytes ? new PacketRefusal("packet-too-large", $"a packet of {TotalLength} bytes (at most {maxPacketBytes})")
        : null;
}

/// <summary>
/// Why the broker ended a connection at the packet level: a short code (metrics), words (logs), and the MQTT 5 DISCONNECT
/// reason code an MQTT 5 client is told (null: 0x95 for a size, else 0x81 malformed packet).
/// </summary>
public sealed record PacketRefusal(string Code, string Reason, MQTTnet.Protocol.MqttDisconnectReasonCode? Disconnect = null);
