using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using MQTTnet.Adapter;
using Microsoft.Extensions.Options;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace CreatiWall.Api.Mqtt;

/// <summary>
/// Hands Kestrel connections (TCP, and WebSocket at the MQTT path) to the MQTT server, each wrapped in an
/// <see cref="ObservedChannel"/> so the broker sees CONNECT, DISCONNECT and the end of every connection.
/// Replaces MQTTnet's MqttConnectionHandler, which it mirrors.
/// </summary>
public sealed partial class MqttListener(IServiceProvider services, IOptions<MqttOptions> options, ILogger<MqttListener> logger)
    : ConnectionHandler, IMqttServerAdapter
{
    /// <summary>
    /// Each connection's packet encoder starts with this buffer and keeps at most <see cref="WriterBufferMax"/> after a larger
    /// packet (MQTTnet's default, 4 KB from the start, was the largest single item of an idle connection: 10,000 screens
    /// measured 4.4 KB of 18.6 KB managed memory each). Growing costs one copy on the rare large packet.
    /// </summary>
    const int WriterBufferInitial = 256, WriterBufferMax = 2048;

    MqttServerOptions? _options;

    // Resolved on first use: the broker publishes through the MQTT server, which is built with this listener.
    MqttBroker Broker => field ??= services.GetRequiredService<MqttBroker>();

    TrafficCounters Traffic => field ??= services.GetRequiredService<TrafficCounters>();

    BrokerMetrics Metrics => field ??= services.GetRequiredService<BrokerMetrics>();

    readonly LogThrottle _refusalLog = new(TimeSpan.FromSeconds(10));

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (connection.Features.Get<ITransferFormatFeature>() is { } transferFormat)
        {
            transferFormat.ActiveFormat = TransferFormat.Binary; // WebSocket frames carry binary MQTT packets.
        }

        if (ClientHandler is not { } handler || _options is null)
        {
            return; // The MQTT server has not started yet (it starts once the host has).
        }

        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(WriterBufferInitial, WriterBufferMax));
        using var channel = new ObservedChannel(new PipeChannel(connection, formatter, options.Value.MaxPacketBytes, OnRefused), Traffic);
        try
        {
            await handler(channel).ConfigureAwait(false);
        }
        finally
        {
            await Broker.OnChannelClosedAsync(channel);
        }
    }

    void OnRefused(PacketRefusal refusal, System.Net.EndPoint? remote)
    {
        Metrics.PacketRefused(refusal.Code);
        if (_refusalLog.TryEnter(refusal.Code, out var held))
        {
            LogRefused(refusal.Reason, remote?.ToString(), held);
        }
    }

    [LoggerMessage(LogLevel.Warning, "MQTT connection from {Endpoint} ended: {Reason} ({Held} more like it in the last 10 s)")]
    partial void LogRefused(string reason, string? endpoint, long held);

    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger mqttLogger)
    {
        _options = serverOptions;
        return Task.CompletedTask;
    }

    public Task StopAsync() => Task.CompletedTask;

    public void Dispose()
    {
    }
}
