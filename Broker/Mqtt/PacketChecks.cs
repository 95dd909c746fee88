using System.Buffers;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Rules on a decoded packet, applied before MQTTnet acts on it: what MQTTnet would otherwise store or accept although
/// the broker does not offer it (topic aliases: MQTTnet keeps every aliased topic, refused or not), or what costs far
/// more memory than the packet's bytes (thousands of empty user properties).
/// </summary>
public static class PacketChecks
{
    /// <summary>User properties one packet may carry.</summary>
    public const int MaxUserProperties = 64;

    /// <summary>Why <paramref name="packet"/> ends the connection, or null when it may be handled.</summary>
    public static PacketRefusal? Refusal(MqttPacket packet) => packet switch
    {
        MqttPublishPacket { TopicAlias: > 0 } => new("topic-alias", "a topic alias (the broker announces none)", MqttDisconnectReasonCode.TopicAliasInvalid),
        MqttPublishPacket { UserProperties.Count: > MaxUserProperties } or MqttConnectPacket { UserProperties.Count: > MaxUserProperties }
            or MqttConnectPacket { WillUserProperties.Count: > MaxUserProperties } or MqttSubscribePacket { UserProperties.Count: > MaxUserProperties } =>
            new("too-many-properties", $"more than {MaxUserProperties} user properties", MqttDisconnectReasonCode.ImplementationSpecificError),
        MqttSubscribePacket { TopicFilters.Count: 0 } => new("empty-subscribe", "a SUBSCRIBE without topic filters", MqttDisconnectReasonCode.ProtocolError),
        MqttUnsubscribePacket { TopicFilters.Count: 0 } => new("empty-unsubscribe", "an UNSUBSCRIBE without topic filters", MqttDisconnectReasonCode.ProtocolError),
        MqttSubscribePacket subscribe when subscribe.TopicFilters.Any(f => f.QualityOfServiceLevel > MqttQualityOfServiceLevel.ExactlyOnce) =>
            new("subscribe-qos-3", "a SUBSCRIBE asking for QoS 3 (MQTT 5.0 §3.8.3.1: a malformed packet)", MqttDisconnectReasonCode.MalformedPacket),
        MqttPublishPacket { Topic: null or "" } => new("empty-topic", "a PUBLISH with an empty topic and no topic alias", MqttDisconnectReasonCode.ProtocolError),
        _ => null,
    };

    /// <summary>Why a CONNECT's body ends the connection before it is decoded, or null: MQTTnet's MQTT 5 decoder ignores the reserved flag.</summary>
    public static PacketRefusal? ConnectRefusal(in ReadOnlySequence<byte> body) =>
        ConnectHead.TryRead(body) is { ReservedFlagSet: true } ? new("malformed-header", "a CONNECT with the reserved connect flag set") : null;
}
