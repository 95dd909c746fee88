using System.Net;
using CreatiWall.Broker.Metrics;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Where the host hands the broker its connections (TCP, WebSocket, or anything that reads and writes MQTT packets):
/// each is wrapped in an <see cref="ObservedChannel"/> so the broker sees CONNECT, DISCONNECT and the end of every
/// connection, then served by the MQTT server. Replaces MQTTnet's own server adapters.
/// </summary>
public sealed partial class BrokerTransport : IMqttServerAdapter
{
    readonly TrafficCounters traffic;
    readonly MqttCounters counters;
    readonly TimeProvider time;
    readonly ILogger<BrokerTransport> logger;
    readonly LogThrottle _refusalLog;

    internal BrokerTransport(TrafficCounters traffic, MqttCounters counters, TimeProvider time, ILogger<BrokerTransport> logger)
    {
        (this.traffic, this.counters, this.time, this.logger) = (traffic, counters, time, logger);
        _refusalLog = new LogThrottle(TimeSpan.FromSeconds(10), time);
    }

    /// <summary>
    /// Each connection's packet encoder starts with this buffer and keeps at most <see cref="WriterBufferMax"/> after a
    /// larger packet: MQTTnet's default (4 KB from the start) was the largest single item of an idle connection (see
    /// BENCHMARKS.md, memory per connection). Growing costs one copy on the rare large packet.
    /// </summary>
    const int WriterBufferInitial = 256, WriterBufferMax = 2048;

    /// <summary>Set when the server is built: what ends a connection's channel is the broker's, not MQTTnet's, business.</summary>
    internal MqttEventAdapter? Rules { get; set; }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>A new packet formatter for one connection.</summary>
    public static MqttPacketFormatterAdapter NewFormatter() => new(new MqttBufferWriter(WriterBufferInitial, WriterBufferMax));

    /// <summary>Serves one connection until it ends. Before the server has started, the connection is closed at once.</summary>
    public async Task HandleAsync(IMqttChannelAdapter connection)
    {
        if (ClientHandler is not { } handler || Rules is not { } rules)
        {
            return;
        }

        using var channel = new ObservedChannel(connection, traffic, time);
        try
        {
            await handler(channel).ConfigureAwait(false);
        }
        finally
        {
            await rules.OnChannelClosedAsync(channel);
        }
    }

    /// <summary>The host's reader ended a connection at the packet level: counted, and logged at most once per 10 s per kind.</summary>
    public void PacketRefused(PacketRefusal refusal, EndPoint? remote)
    {
        counters.PacketRefused(refusal.Code);
        if (_refusalLog.TryEnter(refusal.Code, out var held))
        {
            LogRefused(refusal.Reason, remote?.ToString(), held);
        }
    }

    [LoggerMessage(LogLevel.Warning, "MQTT connection from {Endpoint} ended: {Reason} ({Held} more like it in the last 10 s)")]
    partial void LogRefused(string reason, string? endpoint, long held);

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger) => Task.CompletedTask;

    public Task StopAsync() => Task.CompletedTask;

    public void Dispose()
    {
    }
}
