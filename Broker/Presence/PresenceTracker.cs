using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Presence;

/// <summary>
/// Each device's online/offline status: the retained <c>cw/t/devices/d/status</c> envelope and the stored record.
/// Only the device's newest connection writes it, so an old connection's end never overwrites a newer online.
/// </summary>
internal sealed class PresenceTracker(ServerPublisher publisher, IDeviceStore store, TimeProvider time) : IConnectionObserver
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

        await UnderDeviceLockAsync(key, () =>
        {
            _current[key] = connection;
            return WriteAsync(key, DeviceRecord.Online, null);
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
                ? WriteAsync(key, DeviceRecord.Offline, connection.EndReason.ToContract())
                : Task.CompletedTask);
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
    /// (<c>network-error</c>), so their retained status matches the server's view.
    /// </summary>
    public async Task StartedAsync()
    {
        foreach (var device in await store.ListDevicesAsync(null))
        {
            var key = (device.Tenant, device.DeviceId);
            if (device.Status != DeviceRecord.Online)
            {
                continue;
            }

            await UnderDeviceLockAsync(key, () => _current.ContainsKey(key) // it may have reconnected already
                ? Task.CompletedTask
                : WriteAsync(key, DeviceRecord.Offline, EndReason.NetworkError.ToContract()));
        }
    }

    public int OnlineCount(string? tenant) => _current.Keys.Count(k => tenant is null || k.Tenant == tenant);

    public IEnumerable<IGrouping<string, (string Tenant, string Device)>> OnlineByTenant() => _current.Keys.GroupBy(k => k.Tenant);

    async Task WriteAsync((string Tenant, string Device) key, string status, string? reason)
    {
        var since = time.GetUtcNow();
        await store.SetStatusAsync(key.Tenant, key.Device, status, since, reason);
        var data = new JsonObject
        {
            ["deviceId"] = key.Device,
            ["status"] = status,
            ["since"] = since,
            ["reason"] = reason,
        };
        await publisher.PublishAsync(key.Tenant, Topics.DeviceStatus(key.Tenant, key.Device), Channels.Device(key.Device),
            MessageTypes.DeviceStatus, data, new Sender(null, key.Device), retain: true);
    }
}
