using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Presence;

/// <summary>
/// Each device's online/offline status: the retained <c>cw/t/devices/d/status</c> envelope and the stored record.
/// Only the device's newest connection writes it, so an old connection's end never overwrites a newer online: on this
/// node by the connection it knows as current, across a cluster by the <see cref="IPresenceLedger"/>'s holder check.
/// </summary>
internal sealed class PresenceTracker(ServerPublisher publisher, IDeviceStore store, IPresenceLedger ledger, TimeProvider time) : IConnectionObserver
{
    readonly ConcurrentDictionary<(string Tenant, string Device), MqttConnection> _current = new();

    // Serialises each device's presence writes, so the last write is always the newest connection's view.
    readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task ConnectedAsync(MqttConnection connection)
    {
        if (connection.DeviceKey is not { } key)
        {
            return;
        }

        await UnderDeviceLockAsync(key, async () =>
        {
            _current[key] = connection;
            var since = time.GetUtcNow();
            if (await ledger.OnlineAsync(key.Tenant, key.Device, connection.Holder, since))
            {
                await PublishAsync(key, DeviceRecord.Online, since, null);
            }
        });
    }

    public async Task DisconnectedAsync(MqttConnection connection)
    {
        if (connection.DeviceKey is not { } key)
        {
            return;
        }

        // When a newer connection of the device has taken its place, it stays online.
        await UnderDeviceLockAsync(key, () =>
            _current.TryRemove(new KeyValuePair<(string, string), MqttConnection>(key, connection))
                ? OfflineAsync(key, connection.Holder, connection.EndReason.ToContract())
                : Task.CompletedTask);
    }

    /// <summary>
    /// Cluster mode: the node that held <paramref name="holder"/>'s connection is gone. The device goes offline
    /// (<c>node-lost</c>) unless it came back since, here or on another node.
    /// </summary>
    public Task LostAsync(string tenant, string device, string holder, string reason = PresenceStatus.NodeLost)
    {
        var key = (tenant, device);
        return UnderDeviceLockAsync(key, () => _current.ContainsKey(key) ? Task.CompletedTask : OfflineAsync(key, holder, reason));
    }

    /// <summary>
    /// Cluster mode, once the shared store is back after an outage: writes online again the devices whose connection here
    /// is still their newest, unless another node holds them now (what could not be written during the outage).
    /// </summary>
    public async Task ResyncAsync()
    {
        foreach (var (key, connection) in _current.ToArray())
        {
            await UnderDeviceLockAsync(key, async () =>
            {
                var since = time.GetUtcNow();
                if (_current.TryGetValue(key, out var current) && ReferenceEquals(current, connection) &&
                    await ledger.OnlineAsync(key.Tenant, key.Device, connection.Holder, since))
                {
                    await PublishAsync(key, DeviceRecord.Online, since, null);
                }
            });
        }
    }

    async Task OfflineAsync((string Tenant, string Device) key, string holder, string reason)
    {
        var since = time.GetUtcNow();
        if (await ledger.OfflineAsync(key.Tenant, key.Device, holder, since, reason))
        {
            await PublishAsync(key, DeviceRecord.Offline, since, reason);
        }
    }

    /// <summary>
    /// Runs <paramref name="change"/> under the device's lock, so its status changes are written in the order they were
    /// asked for: the wait is queued when this is called, before the first await.
    /// </summary>
    async Task UnderDeviceLockAsync((string Tenant, string Device) key, Func<Task> change)
    {
        var stripe = _stripes[(key.GetHashCode() & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync();
        try
        {
            await change();
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>
    /// After a restart (or crash) no connection survives: devices recorded online are written offline
    /// (<c>network-error</c>), so their retained status matches the server's view. Not in a cluster, where other nodes
    /// hold devices online: there the node's own previous connections are swept as lost (<see cref="LostAsync"/>).
    /// </summary>
    public async Task StartedAsync()
    {
        if (ledger.Shared)
        {
            return;
        }

        foreach (var device in await store.ListDevicesAsync(null))
        {
            var key = (device.Tenant, device.DeviceId);
            if (device.Status != DeviceRecord.Online)
            {
                continue;
            }

            await UnderDeviceLockAsync(key, () => _current.ContainsKey(key) // it may have reconnected already
                ? Task.CompletedTask
                : OfflineAsync(key, "", EndReason.NetworkError.ToContract()));
        }
    }

    public int OnlineCount(string? tenant) => _current.Keys.Count(k => tenant is null || k.Tenant == tenant);

    public IEnumerable<IGrouping<string, (string Tenant, string Device)>> OnlineByTenant() => _current.Keys.GroupBy(k => k.Tenant);

    Task<Envelope> PublishAsync((string Tenant, string Device) key, string status, DateTimeOffset since, string? reason)
    {
        var data = new JsonObject
        {
            ["deviceId"] = key.Device,
            ["status"] = status,
            ["since"] = since,
            ["reason"] = reason,
        };
        return publisher.PublishAsync(key.Tenant, Topics.DeviceStatus(key.Tenant, key.Device), Channels.Device(key.Device),
            MessageTypes.DeviceStatus, data, new Sender(null, key.Device), retain: true);
    }
}
