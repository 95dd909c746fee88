
namespace CreatiWall.Broker.Storage;

/// <summary>
/// Where a device's online/offline status is recorded, guarded by who holds it (a connection's
/// MqttConnection.Holder): a connection writes the device online only while it holds it, and
/// offline only if no newer connection, on any node, took it since. One node checks that itself (in memory); a cluster's
/// ledger checks it in the shared store, atomically.
/// </summary>
internal interface IPresenceLedger
{
    /// <summary>True when the ledger is shared by several nodes (devices online at start may be held by another).</summary>
    bool Shared { get; }

    /// <summary>Makes <paramref name="holder"/> the device's holder without changing its status; returns the previous holder.</summary>
    Task<string?> HoldAsync(string tenant, string device, string holder);

    /// <summary>Records the device online, unless a newer holder took it meanwhile; whether it did.</summary>
    Task<bool> OnlineAsync(string tenant, string device, string holder, DateTimeOffset since);

    /// <summary>Records the device offline if <paramref name="holder"/> still holds it (then nobody does); whether it did.</summary>
    Task<bool> OfflineAsync(string tenant, string device, string holder, DateTimeOffset since, string reason);
}

/// <summary>One node: its presence tracker already knows the newest connection of each device.</summary>
internal sealed class LocalPresenceLedger(IDeviceStore store) : IPresenceLedger
{
    public bool Shared => false;

    public Task<string?> HoldAsync(string tenant, string device, string holder) => Task.FromResult<string?>(null);

    public async Task<bool> OnlineAsync(string tenant, string device, string holder, DateTimeOffset since)
    {
        await store.SetStatusAsync(tenant, device, DeviceRecord.Online, since, null);
        return true;
    }

    public async Task<bool> OfflineAsync(string tenant, string device, string holder, DateTimeOffset since, string reason)
    {
        await store.SetStatusAsync(tenant, device, DeviceRecord.Offline, since, reason);
        return true;
    }
}
