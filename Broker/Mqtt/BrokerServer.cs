using Microsoft.Extensions.Options;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Builds the MQTTnet server with the broker's rules attached: there is no other way to get one.</summary>
internal static class BrokerServer
{
    public static MqttServer Create(IOptions<MqttOptions> options, BrokerTransport transport, MqttEventAdapter rules, MqttServerHandle handle)
    {
        var mqtt = options.Value;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(mqtt.MaxPendingMessagesPerClient)
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(mqtt.ConnectTimeoutSeconds))
            .Build();
        var server = new MqttServer(serverOptions, [transport], MqttNetNullLogger.Instance);
        rules.Attach(server);
        transport.Rules = rules;
        handle.Set(server);
        return server;
    }
}
