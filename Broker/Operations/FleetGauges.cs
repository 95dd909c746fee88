using System.Diagnostics.Metrics;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Presence;

namespace CreatiWall.Broker.Operations;

/// <summary>
/// The fleet's figures read when asked: live connections, bytes, devices online per tenant. Exported to Prometheus on the
/// broker's meter; <see cref="Snapshot"/> gives the same figures to <c>$SYS</c>.
/// </summary>
internal sealed class FleetGauges : IDisposable
{
    readonly Meter _meter;
    readonly ConnectionRegistry _connections;
    readonly PresenceTracker _presence;
    readonly TrafficCounters _traffic;

    public FleetGauges(IMeterFactory meters, ConnectionRegistry connections, PresenceTracker presence, TrafficCounters traffic)
    {
        _connections = connections;
        _presence = presence;
        _traffic = traffic;
        _meter = meters.Create(MqttCounters.MeterName);
        _meter.CreateObservableUpDownCounter("cw.mqtt.connections", () => (long)_connections.Live.Count, "{connection}", "Live MQTT connections");
        _meter.CreateObservableCounter("cw.mqtt.bytes.received", () => Snapshot().BytesReceived, "By", "Bytes received from clients");
        _meter.CreateObservableCounter("cw.mqtt.bytes.sent", () => Snapshot().BytesSent, "By", "Bytes sent to clients");
        _meter.CreateObservableUpDownCounter("cw.devices.online", DevicesOnline, "{device}", "Devices online, by tenant");
    }

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
