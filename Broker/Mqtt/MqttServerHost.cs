using Microsoft.Extensions.Hosting;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>Starts the MQTT server once the host has started (its listeners are up) and stops it on shutdown.</summary>
internal sealed class MqttServerHost(MqttServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = server.StartAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
}
