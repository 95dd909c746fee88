using System.Buffers;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Learns of the broker's start and of each accepted connection's start and end (presence does).</summary>
internal interface IConnectionObserver
{
    /// <summary>The server has started and loaded its retained messages; nobody is connected yet.</summary>
    Task StartedAsync();

    /// <summary>
    /// MQTTnet has set the connection's session up. Not awaited by the client's packet loop; for one connection this
    /// call is always made before <see cref="DisconnectedAsync"/>.
    /// </summary>
    Task ConnectedAsync(MqttConnection connection);

    Task DisconnectedAsync(MqttConnection connection);
}

/// <summary>
/// Learns of the device messages a layout update is tracked by. Called on the device's packet loop: an implementation
/// queues the work and returns at once.
/// </summary>
internal interface IDeviceTrafficObserver
{
    /// <summary>The device's session acknowledged (QoS 1 PUBACK) a message on its layout topic.</summary>
    void LayoutDelivered(string tenant, string device, ReadOnlySequence<byte> payload);

    /// <summary>The device published on its <c>ack</c> topic.</summary>
    void AckPublished(string tenant, string device, ReadOnlySequence<byte> payload);
}
