using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Broker.Mqtt.Rules;

/// <summary>
/// A client's PUBLISH as the broker sees it. <paramref name="IsWill"/>: MQTTnet publishes it after the connection stopped
/// reading (the only message it still publishes then). <paramref name="DeviceHasNewerConnection"/>: the device this
/// connection acts as is connected again through another connection.
/// </summary>
internal sealed record PublishRequest(Principal Principal, string Topic, bool Retain, bool IsWill, bool DeviceHasNewerConnection);

internal enum PublishVerdict
{
    /// <summary>Routed to subscribers (retained if <see cref="PublishDecision.Retain"/>).</summary>
    Deliver,

    /// <summary>Not allowed: dropped (3.1.1), PUBACK 0x87 (MQTT 5).</summary>
    Refuse,

    /// <summary>Allowed but out of date: the will of a device that is already back. Dropped without a word.</summary>
    Drop,
}

/// <summary>What happens to a PUBLISH: delivered (kept as retained or not), refused or dropped; and whether it is a device's layout ack.</summary>
internal readonly record struct PublishDecision(PublishVerdict Verdict, bool Retain = false, bool IsLayoutAck = false);

internal static class PublishRules
{
    public static PublishDecision Decide(PublishRequest request)
    {
        var (principal, topic) = (request.Principal, request.Topic);
        if (!AccessPolicy.IsAllowed(principal, request.IsWill ? AccessAction.Will : AccessAction.Publish, topic))
        {
            return new PublishDecision(PublishVerdict.Refuse);
        }

        var device = principal.ActingDevice;
        if (request.IsWill && device is not null && topic == Topics.DeviceStatus(principal.Tenant, device))
        {
            // The server's offline envelope, published next, is the retained status: the will is delivered as sent, not kept.
            return request.DeviceHasNewerConnection ? new PublishDecision(PublishVerdict.Drop) : new PublishDecision(PublishVerdict.Deliver);
        }

        var isAck = device is not null && topic == Topics.DeviceAck(principal.Tenant, device);
        return new PublishDecision(PublishVerdict.Deliver, request.Retain && TopicTable.KeepsRetained(topic), isAck);
    }
}
