using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The size of the PUBLISH packet a message becomes for one client (MQTT 5.0 §3.3), worked out from its fields so that a
/// client's Maximum Packet Size can be honoured before the message is queued for it.
/// </summary>
internal static class PublishSize
{
    public static long Of(MqttApplicationMessage message, bool v5)
    {
        long remaining = 2 + Utf8(message.Topic) + (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? 0 : 2) + message.Payload.Length;
        if (v5)
        {
            long properties = 0;
            properties += message.PayloadFormatIndicator != MqttPayloadFormatIndicator.Unspecified ? 2 : 0;
            properties += message.MessageExpiryInterval > 0 ? 5 : 0;
            properties += message.ContentType is { } type ? 3 + Utf8(type) : 0;
            properties += message.ResponseTopic is { } response ? 3 + Utf8(response) : 0;
            properties += message.CorrelationData is { } correlation ? 3 + correlation.Length : 0;
            properties += message.UserProperties?.Sum(p => 5L + Utf8(p.Name) + p.ValueBuffer.Length) ?? 0;
            properties += message.SubscriptionIdentifiers?.Sum(id => 1L + VariableLength(id)) ?? 0;
            remaining += VariableLength(properties) + properties;
        }

        return 1 + VariableLength(remaining) + remaining;
    }

    static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    static int VariableLength(long value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };
}
