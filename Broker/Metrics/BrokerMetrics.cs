using System.Diagnostics.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Presence;

namespace CreatiWall.Broker.Metrics;

/// <summary>
/// The broker's figures as .NET metrics (exported to Prometheus by the host): connections, refused connects by reason,
/// messages in/out/dropped, bytes, devices online. <see cref="Snapshot"/> gives the same figures to $SYS.
/// </summary>
public sealed class BrokerMetrics : IDisposable
{
    public const string MeterName = "CreatiWall.Broker";

    readonly Meter _meter;
    readonly Counter<long> _refused;
    readonly Counter<long> _packetsRefused;
    readonly ConnectionRegistry _connections;
    readonly PresenceTracker _presence;
    readonly TrafficCounters _traffic;

    public BrokerMetrics(IMeterFactory meters, ConnectionRegistry connections, PresenceTracker presence, TrafficCounters traffic)
    {
        _connections = connections;
        _presence = presence;
        _traffic = traffic;
        _meter = meters.Create(MeterName);
        _refused = _meter.CreateCounter<long>("cw.mqtt.connects.refused", "{connect}", "CONNECTs refused, by reason");
        _packetsRefused = _meter.CreateCounter<long>("cw.mqtt.packets.refused", "{packet}",
            "Connections ended at the packet level (too large, not CONNECT first, closed mid-packet), by reason");
        _meter.CreateObservableUpDownCounter("cw.mqtt.connections", () => (long)_connections.Live.Count, "{connection}", "Live MQTT connections");
        _meter.CreateObservableCounter("cw.mqtt.messages.received", () => _traffic.MessagesReceived, "{message}", "PUBLISH packets received from clients");
        _meter.CreateObservableCounter("cw.mqtt.messages.sent", () => _traffic.MessagesSent, "{message}", "PUBLISH packets sent to clients");
        _meter.CreateObservableCounter("cw.mqtt.messages.dropped", () => _traffic.MessagesDropped, "{message}", "Messages dropped from full client queues");
        _meter.CreateObservableCounter("cw.mqtt.bytes.received", () => Snapshot().BytesReceived, "By", "Bytes received from clients");
        _meter.CreateObservableCounter("cw.mqtt.bytes.sent", () => Snapshot().BytesSent, "By", "Bytes sent to clients");
        _meter.CreateObservableUpDownCounter("cw.devices.online", DevicesOnline, "{device}", "Devices online, by tenant");
    }

    public void ConnectRefused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void PacketRefused(string reason) => _packetsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public sealed record Figures(int Connections, long MessagesReceived, long MessagesSent, long MessagesDropped, long BytesReceived, long BytesSent);

    public Figures Snapshot()
    {
        var live = _connections.Live;
        return new Figures(
            live.Count,
            _traffic.MessagesReceived,
            _traffic.MessagesSent,
            _traffic.MessagesDropped,
            _traffic.ClosedBytesReceived + live.Sum(c => c.Channel.BytesReceived),
            _traffic.ClosedBytesSent + live.Sum(c => c.Channel.BytesSent));
    }

    IEnumerable<Measurement<long>> DevicesOnline() =>
        _presence.OnlineByTenant().Select(g => new Measurement<long>(g.Count(), new KeyValuePair<string, object?>("tenant", g.Key)));

    public void Dispose() => _meter.Dispose();
}
