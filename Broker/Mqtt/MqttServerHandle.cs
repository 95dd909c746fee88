using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// The MQTT server, once built. What publishes into it or ends its connections (the server publisher, operations) is
/// built before it, because the server's rules depend on them (presence publishes status), so it is reached through
/// this handle, set where the server is built (<see cref="BrokerServer.Create"/>).
/// </summary>
internal sealed class MqttServerHandle
{
    MqttServer? _server;

    public MqttServer Server => _server ?? throw new InvalidOperationException("The MQTT server has not been built yet.");

    internal void Set(MqttServer server) => _server = server;
}
