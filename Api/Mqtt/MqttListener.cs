using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using MQTTnet.Adapter;
using MQTTnet.AspNetCore;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// Hands Kestrel connections (TCP, and WebSocket at the MQTT path) to the MQTT server, each wrapped in an
/// <see cref="ObservedChannel"/> so the broker sees CONNECT, DISCONNECT and the end of every connection.
/// Replaces MQTTnet's MqttConnectionHandler, which it mirrors.
/// </summary>
public sealed class MqttListener(IServiceProvider services) : ConnectionHandler, IMqttServerAdapter
{
    MqttServerOptions? _options;

    // Resolved on first use: the broker publishes through the MQTT server, which is built with this listener.
    MqttBroker Broker => field ??= services.GetRequiredService<MqttBroker>();

    TrafficCounters Traffic => field ??= services.GetRequiredService<TrafficCounters>();

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (connection.Features.Get<ITransferFormatFeature>() is { } transferFormat)
        {
            transferFormat.ActiveFormat = TransferFormat.Binary; // WebSocket frames carry binary MQTT packets.
        }

        if (ClientHandler is not { } handler || _options is not { } options)
        {
            return; // The MQTT server has not started yet (it starts once the host has).
        }

        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        using var channel = new ObservedChannel(new MqttConnectionContext(formatter, connection), Traffic);
        try
        {
            await handler(channel).ConfigureAwait(false);
        }
        finally
        {
            await Broker.OnChannelClosedAsync(channel);
        }
    }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _options = options;
        return Task.CompletedTask;
    }

    public Task StopAsync() => Task.CompletedTask;

    public void Dispose()
    {
    }
}
