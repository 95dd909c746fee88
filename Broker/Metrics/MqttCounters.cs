using System.Diagnostics.Metrics;

namespace CreatiWall.Broker.Metrics;

/// <summary>
/// What the MQTT layer counts as it happens: refused CONNECTs and packets by reason, and the message and byte totals of
/// <see cref="TrafficCounters"/>. Exported to Prometheus by the host (meter <see cref="MeterName"/>).
/// </summary>
internal sealed class MqttCounters : IDisposable
{
    public const string MeterName = "CreatiWall.Broker";

    readonly Meter _meter;
    readonly Counter<long> _connectsRefused;
    readonly Counter<long> _packetsRefused;
    readonly Counter<long> _publishesRefused;
    readonly Counter<long> _subscriptionsRefused;
    readonly Counter<long> _limitsHit;

    public MqttCounters(IMeterFactory meters, TrafficCounters traffic)
    {
        _meter = meters.Create(MeterName);
        _connectsRefused = _meter.CreateCounter<long>("cw.mqtt.connects.refused", "{connect}", "CONNECTs refused, by reason");
        _packetsRefused = _meter.CreateCounter<long>("cw.mqtt.packets.refused", "{packet}",
            "Connections ended at the packet level (too large, not CONNECT first, closed mid-packet), by reason");
        _publishesRefused = _meter.CreateCounter<long>("cw.mqtt.publishes.refused", "{message}",
            "PUBLISH packets (wills included) refused, by reason: not-authorized, topic-length, topic-levels");
        _subscriptionsRefused = _meter.CreateCounter<long>("cw.mqtt.subscriptions.refused", "{filter}",
            "Topic filters refused, by reason: not-authorized, topic-length, topic-levels, subscriptions");
        _limitsHit = _meter.CreateCounter<long>("cw.mqtt.limits.hit", "{event}",
            "Limits hit, by limit: connect-rate, banned, auth-ban, connections-per-tenant, publish-rate, publish-bytes, subscriptions, topic-length, topic-levels, slow-consumer");
        _meter.CreateObservableCounter("cw.mqtt.messages.received", () => traffic.MessagesReceived, "{message}", "PUBLISH packets received from clients");
        _meter.CreateObservableCounter("cw.mqtt.messages.sent", () => traffic.MessagesSent, "{message}", "PUBLISH packets sent to clients");
        _meter.CreateObservableCounter("cw.mqtt.messages.dropped", () => traffic.MessagesDropped, "{message}", "Messages dropped from full client queues");
    }

    public void ConnectRefused(string reason) => _connectsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void PacketRefused(string reason) => _packetsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void PublishRefused(string reason) => _publishesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SubscriptionRefused(string reason) => _subscriptionsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A limit of <see cref="Mqtt.MqttOptions"/> was hit (<paramref name="limit"/>: one of the names in the description).</summary>
    public void LimitHit(string limit) => _limitsHit.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Dispose() => _meter.Dispose();
}
