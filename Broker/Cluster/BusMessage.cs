using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Cluster;

/// <summary>
/// A routed message as it crosses nodes: which node sent it, which client published it (for no-local), and the message
/// with everything MQTT 5 forwards unchanged (retain flag, QoS, content type, payload format, expiry, response topic,
/// correlation data, user properties). A compact binary form: a fleet's traffic crosses Redis once per node.
/// </summary>
internal static class BusMessage
{
    const byte Version = 1;

    public static byte[] Write(string origin, string sender, MqttApplicationMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (int)message.Payload.Length);
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        WriteString(buffer, origin);
        WriteString(buffer, sender);
        WriteString(buffer, message.Topic);
        var flags = (byte)((int)message.QualityOfServiceLevel | (message.Retain ? 4 : 0));
        buffer.GetSpan(2)[0] = flags;
        buffer.GetSpan(2)[1] = (byte)message.PayloadFormatIndicator;
        buffer.Advance(2);
        WriteInt(buffer, (int)message.MessageExpiryInterval);
        WriteBytes(buffer, message.Payload.ToArray());
        WriteString(buffer, message.ContentType);
        WriteString(buffer, message.ResponseTopic);
        WriteBytes(buffer, message.CorrelationData);
        var properties = message.UserProperties ?? [];
        WriteInt(buffer, properties.Count);
        foreach (var property in properties)
        {
            WriteString(buffer, property.Name);
            WriteBytes(buffer, property.ValueBuffer.ToArray());
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The message and who sent it; null for bytes that are not a bus message of this version.</summary>
    public static (string Origin, string Sender, MqttApplicationMessage Message)? Read(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes.IsEmpty || bytes[0] != Version)
            {
                return null;
            }

            var at = 1;
            var origin = ReadString(bytes, ref at)!;
            var sender = ReadString(bytes, ref at)!;
            var topic = ReadString(bytes, ref at)!;
            var (flags, format) = (bytes[at], bytes[at + 1]);
            at += 2;
            var expiry = (uint)ReadInt(bytes, ref at);
            var payload = ReadBytes(bytes, ref at) ?? [];
            var message = new MqttApplicationMessage
            {
                Topic = topic,
                QualityOfServiceLevel = (MqttQualityOfServiceLevel)(flags & 3),
                Retain = (flags & 4) != 0,
                PayloadFormatIndicator = (MqttPayloadFormatIndicator)format,
                MessageExpiryInterval = expiry,
                Payload = new ReadOnlySequence<byte>(payload),
                ContentType = ReadString(bytes, ref at),
                ResponseTopic = ReadString(bytes, ref at),
                CorrelationData = ReadBytes(bytes, ref at),
            };
            var count = ReadInt(bytes, ref at);
            if (count > 0)
            {
                message.UserProperties = new List<MqttUserProperty>(count);
                for (var i = 0; i < count; i++)
                {
                    message.UserProperties.Add(new MqttUserProperty(ReadString(bytes, ref at)!, new ReadOnlyMemory<byte>(ReadBytes(bytes, ref at) ?? [])));
                }
            }

            return (origin, sender, message);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // truncated
        }
    }

    static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    static void WriteBytes(ArrayBufferWriter<byte> buffer, byte[]? value)
    {
        WriteInt(buffer, value?.Length ?? -1);
        if (value is { Length: > 0 })
        {
            buffer.Write(value);
        }
    }

    static void WriteString(ArrayBufferWriter<byte> buffer, string? value) => WriteBytes(buffer, value is null ? null : Encoding.UTF8.GetBytes(value));

    static int ReadInt(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        return value;
    }

    static byte[]? ReadBytes(ReadOnlySpan<byte> bytes, ref int at)
    {
        var length = ReadInt(bytes, ref at);
        if (length < 0)
        {
            return null;
        }

        var value = bytes.Slice(at, length).ToArray();
        at += length;
        return value;
    }

    static string? ReadString(ReadOnlySpan<byte> bytes, ref int at) => ReadBytes(bytes, ref at) is { } utf8 ? Encoding.UTF8.GetString(utf8) : null;
}
