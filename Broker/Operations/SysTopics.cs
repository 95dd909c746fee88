using System.Reflection;
using System.Text;
using CreatiWall.Broker.Cluster;
using CreatiWall.Broker.Presence;
using CreatiWall.Broker.Publishing;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Operations;

/// <summary>
/// Mosquitto-style retained <c>$SYS/broker/...</c> topics for operators, refreshed by the host every few seconds: this
/// node's figures, and under <c>$SYS/broker/cluster/</c> the whole cluster's (a single node is a cluster of one).
/// </summary>
internal sealed class SysTopics(ServerPublisher publisher, FleetGauges metrics, PresenceTracker presence, IClusterView cluster, ClusterNode node, TimeProvider time)
{
    static readonly string Version = $"CreatiWall Realtime {typeof(SysTopics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]} (MQTTnet {typeof(MQTTnet.Server.MqttServer).Assembly.GetName().Version})";

    readonly DateTimeOffset _started = time.GetUtcNow();
    readonly HashSet<string> _tenantsShown = [];

    public async Task PublishAsync()
    {
        var figures = metrics.Snapshot();
        var values = new Dictionary<string, string>
        {
            ["$SYS/broker/version"] = Version,
            ["$SYS/broker/uptime"] = $"{(long)(time.GetUtcNow() - _started).TotalSeconds} seconds",
            ["$SYS/broker/clients/connected"] = figures.Connections.ToString(),
            ["$SYS/broker/messages/received"] = figures.MessagesReceived.ToString(),
            ["$SYS/broker/messages/sent"] = figures.MessagesSent.ToString(),
            ["$SYS/broker/messages/dropped"] = figures.MessagesDropped.ToString(),
            ["$SYS/broker/bytes/received"] = figures.BytesReceived.ToString(),
            ["$SYS/broker/bytes/sent"] = figures.BytesSent.ToString(),
            ["$SYS/broker/devices/online"] = presence.OnlineCount(null).ToString(),
            ["$SYS/broker/node"] = node.Id,
        };

        var others = await cluster.OtherNodesAsync(null);
        values["$SYS/broker/cluster/nodes"] = (others.Count + 1).ToString();
        values["$SYS/broker/cluster/clients/connected"] = (figures.Connections + others.Sum(o => o.Figures.Connections)).ToString();

        // Per tenant; a tenant whose last device went offline reads 0 rather than keeping its old figure.
        var online = presence.OnlineByTenant().ToDictionary(g => g.Key, g => g.Count());
        lock (_tenantsShown)
        {
            _tenantsShown.UnionWith(online.Keys);
            foreach (var tenant in _tenantsShown)
            {
                values[$"$SYS/broker/tenants/{tenant}/devices/online"] = online.GetValueOrDefault(tenant).ToString();
            }
        }

        foreach (var (topic, value) in values)
        {
            await publisher.InjectAsync(topic, Encoding.UTF8.GetBytes(value), MqttQualityOfServiceLevel.AtMostOnce, retain: true);
        }
    }
}
