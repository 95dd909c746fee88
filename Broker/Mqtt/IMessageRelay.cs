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

    /// <summary>
    /// Completes once messages from other nodes that match <paramref name="filter"/> reach this node, so a SUBACK means
    /// "from now on, from everywhere". Completes within a bounded time even when the other nodes cannot be reached.
    /// </summary>
    Task ListeningAsync(string filter);
}

/// <summary>A single node: nothing to relay.</summary>
internal sealed class NoRelay : IMessageRelay
{
    public bool Relay(MqttApplicationMessage message, string senderClientId) => false;

    public Task ListeningAsync(string filter) => Task.CompletedTask;
}
