using System.Collections.Concurrent;

namespace CreatiWall.Broker.Storage;

/// <summary>The embedded store: everything in this process's memory.</summary>
public sealed class MemoryStore(TimeProvider? time = null) : IBrokerStore
{
    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly ConcurrentDictionary<string, long> _seq = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<(string Tenant, string Device), DeviceRecord> _devices = new();

    public ValueTask<long> NextSeqAsync(string tenant) =>
        ValueTask.FromResult(_seq.AddOrUpdate(tenant, 1, static (_, seq) => seq + 1));

    public ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change)
    {
        var record = _devices.AddOrUpdate(
            (tenant, deviceId),
            static (key, state) => state.change(new DeviceRecord(key.Tenant, key.Device, DeviceRecord.Offline, state.now, null, null, null, null, null)),
            static (_, existing, state) => state.change(existing),
            (change, now: _time.GetUtcNow()));
        return ValueTask.FromResult(record);
    }

    public ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant) =>
        ValueTask.FromResult<IReadOnlyList<DeviceRecord>>(_devices.Values
            .Where(d => tenant is null || d.Tenant == tenant)
            .OrderBy(d => d.Tenant, StringComparer.Ordinal).ThenBy(d => d.DeviceId, StringComparer.Ordinal)
            .ToList());
}
