namespace CreatiWall.Broker.Storage;

/// <summary>
/// What the broker keeps beyond one connection: per-tenant sequence numbers and the fleet of devices.
/// In memory by default; a durable implementation keeps the same contract.
/// </summary>
public interface IBrokerStore
{
    /// <summary>The next <c>seq</c> of <paramref name="tenant"/>: strictly increasing, never reused.</summary>
    ValueTask<long> NextSeqAsync(string tenant);

    /// <summary>Records a change to a device, creating it on first sight.</summary>
    ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change);

    ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant);
}
