using System.Text.Json.Nodes;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Operations;

public sealed record ChannelSubscribers(string Channel, int Subscribers);

public sealed record ConnectedUser(string UserId, int Connections);

/// <summary>Live figures of one tenant (or all): connections, subscribers per channel, devices, people connected.</summary>
public sealed record LiveStatus(int Connections, IReadOnlyList<ChannelSubscribers> Channels, int DevicesOnline, int DevicesOffline, IReadOnlyList<ConnectedUser> Users);

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
    readonly IBrokerStore store;
    readonly BrokerLifecycle lifecycle;

    internal BrokerOperations(
        ConnectionRegistry registry, MessageRouter router, MqttEventAdapter rules, ServerPublisher publisher, IBrokerStore store, BrokerLifecycle lifecycle) =>
        (this.registry, this.router, this.rules, this.publisher, this.store, this.lifecycle) = (registry, router, rules, publisher, store, lifecycle);

    /// <summary>Live figures of <paramref name="tenant"/>; null: every tenant.</summary>
    public async Task<LiveStatus> StatusAsync(string? tenant)
    {
        var live = registry.Live.Where(c => tenant is null || c.Principal.Tenant == tenant).ToList();
        var channels = live
            .SelectMany(c => router.FiltersOf(c.ClientId).Select(Channels.OfFilter).Distinct().Select(channel => (channel, c.ClientId)))
            .GroupBy(x => x.channel, StringComparer.Ordinal)
            .Select(g => new ChannelSubscribers(g.Key, g.Count()))
            .OrderBy(c => c.Channel, StringComparer.Ordinal)
            .ToList();

        // People (browsers, dashboards): connections of users and admins that do not act as a device.
        var users = live
            .Where(c => c.Principal is { Role: Role.User or Role.Admin, ActingDevice: null })
            .GroupBy(c => c.Principal.Subject, StringComparer.Ordinal)
            .Select(g => new ConnectedUser(g.Key, g.Count()))
            .OrderBy(u => u.UserId, StringComparer.Ordinal)
            .ToList();

        var devices = await store.ListDevicesAsync(tenant);
        var online = devices.Count(d => d.Status == DeviceRecord.Online);
        return new LiveStatus(live.Count, channels, online, devices.Count - online, users);
    }

    /// <summary>
    /// Ends the live connection <paramref name="connectionId"/> (its MQTT client id) of the caller's tenant: the caller's own,
    /// or any for an admin. Another tenant's connections cannot even be named (client ids are scoped by tenant).
    /// </summary>
    public async Task<KickOutcome> KickAsync(Principal caller, string connectionId, string? deviceId)
    {
        if (!registry.TryGetLive(ClientIds.Scope(caller.Tenant, connectionId), out var connection) ||
            (deviceId is not null && connection.Principal.ActingDevice != deviceId))
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

    /// <summary>Publishes an envelope as the server (kept for catch-up on history channels); see <see cref="ServerPublisher"/>.</summary>
    public Task<Envelope> PublishAsync(string tenant, string topic, string channel, string type, JsonNode? data, Sender sender) =>
        publisher.PublishAsync(tenant, topic, channel, type, data, sender);

    /// <summary>Every device <paramref name="tenant"/> has had (null: all tenants).</summary>
    public ValueTask<IReadOnlyList<DeviceRecord>> DevicesAsync(string? tenant) => store.ListDevicesAsync(tenant);

    public Task<HistoryPage> HistoryAsync(string tenant, string topic, long since, int limit) => store.ReadHistoryAsync(tenant, topic, since, limit);

    /// <summary>The MQTT server accepts connections and the store answers (throws when it cannot).</summary>
    public async Task<bool> IsReadyAsync()
    {
        if (!lifecycle.IsStarted)
        {
            return false;
        }

        await store.ListDevicesAsync("readyz");
        return true;
    }
}
