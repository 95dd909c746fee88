using MQTTnet;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Hands what this node routed (from its clients or the server) to the other nodes of a cluster; a single node has none.
/// Called on the publisher's packet loop: an implementation queues and returns.
/// </summary>
internal interface IMessageRelay
{
    /// <summary>True when the message may reach subscribers elsewhere (so "no matching subscribers" cannot be told).</summary>
    bool Relay(MqttApplicationMessage message, string senderClientId);
}

/// <summary>A single node: nothing to relay.</summary>
internal sealed class NoRelay : IMessageRelay
{
    public bool Relay(MqttApplicationMessage message, string senderClientId) => false;
}
