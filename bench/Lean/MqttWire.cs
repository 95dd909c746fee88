using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CreatiWall.Bench.Lean;

/// <summary>MQTT 3.1.1 packets, written straight into a buffer: the load side must cost far less than the broker.</summary>
public static class MqttWire
{
    public const byte Connect = 0x10, ConnAck = 0x20, Publish = 0x30, PubAck = 0x40, Subscribe = 0x82, SubAck = 0x90,
        PingReq = 0xC0, PingResp = 0xD0, Disconnect = 0xE0;

    public sealed record Will(string Topic, byte[] Payload, int Qos, bool Retain);

    public static void WriteConnect(IBufferWriter<byte> w, string clientId, string? user, string? password, int keepAlive, bool clean, Will? will)
    {
        var flags = (byte)((clean ? 0x02 : 0) | (user is null ? 0 : 0x80) | (password is null ? 0 : 0x40));
        var length = 10 + Str(clientId);
        if (will is not null)
        {
            flags |= (byte)(0x04 | (will.Qos << 3) | (will.Retain ? 0x20 : 0));
            length += Str(will.Topic) + 2 + will.Payload.Length;
        }

        length += (user is null ? 0 : Str(user)) + (password is null ? 0 : Str(password));
        var span = Header(w, Connect, length);
        var o = 0;
        PutString(span, ref o, "MQTT");
        span[o++] = 4;
        span[o++] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(span[o..], (ushort)keepAlive);
        o += 2;
        PutString(span, ref o, clientId);
        if (will is not null)
        {
            PutString(span, ref o, will.Topic);
            PutBytes(span, ref o, will.Payload);
        }

        if (user is not null)
        {
            PutString(span, ref o, user);
        }

        if (password is not null)
        {
            PutString(span, ref o, password);
        }

        w.Advance(o);
    }

    public static void WriteSubscribe(IBufferWriter<byte> w, ushort packetId, IReadOnlyList<string> filters, int qos)
    {
        var length = 2;
        foreach (var filter in filters)
        {
            length += Str(filter) + 1;
        }

        var span = Header(w, Subscribe, length);
        BinaryPrimitives.WriteUInt16BigEndian(span, packetId);
        var o = 2;
        foreach (var filter in filters)
        {
            PutString(span, ref o, filter);
            span[o++] = (byte)qos;
        }

        w.Advance(o);
    }

    /// <summary>A PUBLISH with an already UTF-8 encoded topic (encoded once per run, not per message).</summary>
    public static void WritePublish(IBufferWriter<byte> w, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, int qos, ushort packetId, bool retain = false)
    {
        var length = 2 + topic.Length + (qos > 0 ? 2 : 0) + payload.Length;
        var span = Header(w, (byte)(Publish | (qos << 1) | (retain ? 1 : 0)), length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)topic.Length);
        topic.CopyTo(span[2..]);
        var o = 2 + topic.Length;
        if (qos > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[o..], packetId);
            o += 2;
        }

        payload.CopyTo(span[o..]);
        w.Advance(o + payload.Length);
    }

    public static void WritePubAck(IBufferWriter<byte> w, ushort packetId)
    {
        var span = w.GetSpan(4);
        span[0] = PubAck;
        span[1] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        w.Advance(4);
    }

    public static void WriteEmpty(IBufferWriter<byte> w, byte type)
    {
        var span = w.GetSpan(2);
        span[0] = type;
        span[1] = 0;
        w.Advance(2);
    }

    /// <summary>Writes the fixed header and returns the span for the rest (not yet advanced past it).</summary>
    static Span<byte> Header(IBufferWriter<byte> w, byte first, int remaining)
    {
        var span = w.GetSpan(5 + remaining);
        span[0] = first;
        var o = 1;
        var value = remaining;
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            span[o++] = value > 0 ? (byte)(digit | 0x80) : digit;
        }
        while (value > 0);

        w.Advance(o);
        return w.GetSpan(remaining);
    }

    /// <summary>Reads one fixed header; false when the buffer does not hold the whole packet yet.</summary>
    public static bool TryReadPacket(ReadOnlySpan<byte> buffer, out byte type, out int headerLength, out int remaining)
    {
        type = 0;
        headerLength = 0;
        remaining = 0;
        if (buffer.Length < 2)
        {
            return false;
        }

        var multiplier = 1;
        var o = 1;
        byte digit;
        do
        {
            if (o >= buffer.Length)
            {
                return false;
            }

            digit = buffer[o++];
            remaining += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((digit & 0x80) != 0);

        type = buffer[0];
        headerLength = o;
        return buffer.Length >= o + remaining;
    }

    static int Str(string s) => 2 + Encoding.UTF8.GetByteCount(s);

    static void PutString(Span<byte> span, ref int o, string s)
    {
        var n = Encoding.UTF8.GetBytes(s, span[(o + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[o..], (ushort)n);
        o += 2 + n;
    }

    static void PutBytes(Span<byte> span, ref int o, byte[] bytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[o..], (ushort)bytes.Length);
        bytes.CopyTo(span[(o + 2)..]);
        o += 2 + bytes.Length;
    }
}
