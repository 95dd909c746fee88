using System.Text.Json.Nodes;
using CreatiWall.Broker.Cluster;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Operations;

public sealed record ChannelSubscribers(string Channel, int Subscribers);

public sealed record ConnectedUser(string UserId, int Connections);

/// <summary>Live figures of one tenant (or all): connections, subscribers per channel, devices, people connected.</summary>
public sealed record LiveStatus(
    int Connections, IReadOnlyList<ChannelSubscribers> Channels, int DevicesOnline, int DevicesOffline, IReadOnlyList<ConnectedUser> Users,
    IReadOnlyList<NodeStatus> Nodes);

/// <summary><paramref name="Status"/> is shown to whoever asks (<c>/readyz</c>); <paramref name="Problem"/> is for the log.</summary>
public sealed record Readiness(bool Ready, string Status, string? Problem);

public enum KickOutcome
{
    Ended,
    NotFound,
    Forbidden,
}

/// <summary>
/// What the host may do with the broker besides serving connections: read its live state, end a connection, publish as
/// the server, read devices and history, ask whether it is ready. The host uses this and <see cref="Layouts"/>,
/// never the broker's internals.
/// </summary>
public sealed class BrokerOperations
{
    readonly ConnectionRegistry registry;
    readonly MessageRouter router;
    readonly MqttEventAdapter rules;
    readonly ServerPublisher publisher;
    readonly IDeviceStore devices;
    readonly IHistoryStore history;
    readonly IStoreHealth health;
    readonly BrokerLifecycle lifecycle;
    readonly ISessionDirectory directory;
    readonly IClusterView cluster;
    readonly ClusterNode node;
    readonly TimeProvider time;
    readonly ActivitySeries activity;

    internal BrokerOperations(
        ConnectionRegistry registry, MessageRouter router, MqttEventAdapter rules, ServerPublisher publisher,
        IDeviceStore devices, IHistoryStore history, IStoreHealth health, BrokerLifecycle lifecycle,
        ISessionDirectory directory, IClusterView cluster, ClusterNode node, TimeProvider time, ActivitySeries activity)
    {
        (this.registry, this.router, this.rules, this.publisher, this.devices, this.history, this.health, this.lifecycle) =
            (registry, router, rules, publisher, devices, history, health, lifecycle);
        (this.directory, this.cluster, this.node, this.time, this.activity) = (directory, cluster, node, time, activity);
    }

    /// <summary>
    /// The last hour of <paramref name="tenant"/> (null: every tenant) minute by minute on this node: devices online and
    /// messages per second in and out, and the minute under way. Kept in memory: a restart starts it again.
    /// </summary>
    public ActivityView Activity(string? tenant) => activity.View(tenant);

    /// <summary>Live figures of <paramref name="tenant"/> (null: every tenant), of this node and every other live one.</summary>
    public async Task<LiveStatus> StatusAsync(string? tenant)
    {
        var here = LiveFigures.Of(registry.Live.Where(c => tenant is null || c.Principal.Tenant == tenant), router);
        var others = await cluster.OtherNodesAsync(tenant);
        var all = LiveFigures.Sum(others.Select(o => o.Figures).Prepend(here));
        var nodes = others.Select(o => o.Node)
            .Prepend(new NodeStatus(node.Id, here.Connections, node.StartedAt, time.GetUtcNow()))
            .OrderBy(n => n.NodeId, StringComparer.Ordinal)
            .ToList();

        var known = await devices.ListDevicesAsync(tenant);
        var online = known.Count(d => d.Status == DeviceRecord.Online);
        return new LiveStatus(
            all.Connections,
            [.. all.Channels.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ChannelSubscribers(c.Key, c.Value))],
            online,
            known.Count - online,
            [.. all.Users.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => new ConnectedUser(u.Key, u.Value))],
            nodes);
    }

    /// <summary>
    /// Ends the live connection <paramref name="connectionId"/> (its MQTT client id) of the caller's tenant: the caller's own,
    /// or any for an admin. Another tenant's connections cannot even be named (client ids are scoped by tenant).
    /// </summary>
    public async Task<KickOutcome> KickAsync(Principal caller, string connectionId, string? deviceId)
    {
        var clientId = ClientIds.Scope(caller.Tenant, connectionId);
        if (!registry.TryGetLive(clientId, out var connection))
        {
            return await directory.FindAsync(clientId) is { } remote ? await KickElsewhereAsync(caller, remote, deviceId) : KickOutcome.NotFound;
        }

        if (deviceId is not null && connection.Principal.ActingDevice != deviceId)
        {
            return KickOutcome.NotFound;
        }

        var own = connection.Principal.Subject == caller.Subject && connection.Principal.Role == caller.Role;
        if (!own && caller.Role != Role.Admin)
        {
            return KickOutcome.Forbidden;
        }

        return await rules.EndAsync(connection, EndReason.Kicked) ? KickOutcome.Ended : KickOutcome.NotFound;
    }

    /// <summary>Cluster mode: the client is connected on another node, which is asked to end it.</summary>
    async Task<KickOutcome> KickElsewhereAsync(Principal caller, RemoteClient remote, string? deviceId)
    {
        if (remote.Tenant != caller.Tenant || (deviceId is not null && remote.Device != deviceId))
        {
            return KickOutcome.NotFound;
        }

        if (caller.Role != Role.Admin && (remote.Subject != caller.Subject || remote.Role != caller.Role.ToClaim()))
        {
            return KickOutcome.Forbidden;
        }

        await directory.EndAsync(remote, EndReason.Kicked);
        return KickOutcome.Ended;
    }

    /// <summary>Publishes an envelope as the server (kept for catch-up on history channels); see <see cref="ServerPublisher"/>.</summary>
    public Task<Envelope> PublishAsync(string tenant, string topic, string channel, string type, JsonNode? data, Sender sender) =>
        publisher.PublishAsync(tenant, topic, channel, type, data, sender);

    /// <summary>One device of <paramref name="tenant"/>; null when it has none of that id.</summary>
    public ValueTask<DeviceRecord?> DeviceAsync(string tenant, string deviceId) => devices.GetDeviceAsync(tenant, deviceId);

    /// <summary>A page of devices; see <see cref="DeviceQuery"/>.</summary>
    public ValueTask<DevicePage> QueryDevicesAsync(DeviceQuery query) => devices.QueryDevicesAsync(query);

    /// <summary>
    /// Replaces what a device is registered with (name, tags, location), creating it (offline) when it was never seen;
    /// the caller checked who may. Returns the stored record.
    /// </summary>
    public ValueTask<DeviceRecord> RegisterDeviceAsync(string tenant, string deviceId, string? name, DeviceTags tags, string? location) =>
        devices.UpdateDeviceAsync(tenant, deviceId, d => d with { Name = name, Tags = tags, Location = location });

    public Task<HistoryPage> HistoryAsync(string tenant, string topic, long since, int limit) => history.ReadHistoryAsync(tenant, topic, since, limit);

    /// <summary>Whether the MQTT server accepts connections and the store passes its health ping; the problem, if any, for the log.</summary>
    public async Task<Readiness> ReadinessAsync(CancellationToken cancellationToken)
    {
        if (!lifecycle.IsStarted)
        {
            return new Readiness(false, "starting", null);
        }

        var ping = await health.PingAsync(cancellationToken);
        return ping.Healthy ? new Readiness(true, "ready", null) : new Readiness(false, "storage unavailable", "the store failed its health ping: " + ping.Problem);
    }
}
