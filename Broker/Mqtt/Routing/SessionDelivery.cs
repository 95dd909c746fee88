using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>What one session is given of a routed message: its own copy (granted QoS, retain, identifiers), if it fits.</summary>
internal static class SessionDelivery
{
    /// <summary>
    /// Queues the copy this subscription gets: QoS lowered to the granted one, retain cleared unless retain-as-published.
    /// Copies without subscription identifiers are shared by every session they suit (the queue makes its own packet).
    /// </summary>
    public static void Deliver(Subscriber subscriber, MqttApplicationMessage message, SubscriptionOptions options, List<uint>? identifiers,
        MqttApplicationMessage?[] copies)
    {
        var qos = options.Deliverable(message.QualityOfServiceLevel);
        var retain = options.RetainAsPublished && message.Retain;
        var copy = identifiers is null
            ? copies[(int)qos * 2 + (retain ? 1 : 0)] ??= Copy(message, qos, retain, null)
            : Copy(message, qos, retain, identifiers);
        if (!Fits(subscriber.Session, copy))
        {
            return;
        }

        subscriber.Session.TryEnqueueApplicationMessage(copy, out _);
    }

    /// <summary>MQTT 5: a message larger than the client's Maximum Packet Size is dropped for it (and counted), never sent.</summary>
    static bool Fits(MqttSessionStatus session, MqttApplicationMessage copy) =>
        session.Items[MqttConnection.SessionItemKey] is not MqttConnection { ClientMaxPacketSize: > 0 } connection ||
        connection.Channel.Fits(copy, connection.ClientMaxPacketSize);

    /// <summary>A retained message for a new subscription: RETAIN set, QoS lowered to the granted one.</summary>
    public static void DeliverRetained(MqttSessionStatus session, MqttApplicationMessage message, SubscriptionOptions options)
    {
        var copy = Copy(message, options.Deliverable(message.QualityOfServiceLevel), retain: true, options.Identifiers);
        if (Fits(session, copy))
        {
            session.TryEnqueueApplicationMessage(copy, out _);
        }
    }

    static MqttApplicationMessage Copy(MqttApplicationMessage message, MqttQualityOfServiceLevel qos, bool retain, List<uint>? identifiers) => new()
    {
        Topic = message.Topic,
        Payload = message.Payload,
        QualityOfServiceLevel = qos,
        Retain = retain,
        ContentType = message.ContentType,
        CorrelationData = message.CorrelationData,
        MessageExpiryInterval = message.MessageExpiryInterval,
        PayloadFormatIndicator = message.PayloadFormatIndicator,
        ResponseTopic = message.ResponseTopic,
        UserProperties = message.UserProperties,
        SubscriptionIdentifiers = identifiers,
    };
}
