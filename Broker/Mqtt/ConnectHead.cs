using System.Buffers;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The start of a CONNECT's variable header (protocol level, connect flags, and for MQTT 3 whether the client id is
/// empty), read from its bytes before MQTTnet decodes it: the decoded packet no longer shows what MQTT wants checked.
/// </summary>
public readonly record struct ConnectHead(byte Level, byte Flags, bool EmptyClientId)
{
    /// <summary>Bit 0 of the Connect Flags, which must be 0 (MQTT 3.1.1 and 5, MQTT-3.1.2-3).</summary>
    public bool ReservedFlagSet => (Flags & 0x01) != 0;

    /// <summary>An MQTT 3.1 or 3.1.1 CONNECT with clean session 0 and an empty client id (refused with CONNACK 2, 3.1.3-8).</summary>
    public bool IsMqtt3WithoutClientIdToKeep => Level is 3 or 4 && (Flags & 0x02) == 0 && EmptyClientId;

    /// <summary>Reads the protocol name, level, flags, keepalive and (MQTT 3) the client id's length; null when too short.</summary>
    public static ConnectHead? TryRead(in ReadOnlySequence<byte> body)
    {
        Span<byte> head = stackalloc byte[16];
        var length = (int)Math.Min(body.Length, head.Length);
        body.Slice(0, length).CopyTo(head);
        head = head[..length];
        if (head.Length < 2)
        {
            return null;
        }

        var at = 2 + ((head[0] << 8) | head[1]); // level, flags, keepalive (2), then MQTT 3's client id length (2)
        if (at + 2 > head.Length)
        {
            return null;
        }

        var emptyClientId = head[at] is 3 or 4 && at + 6 <= head.Length && head[at + 4] == 0 && head[at + 5] == 0;
        return new ConnectHead(head[at], head[at + 1], emptyClientId);
    }
}
