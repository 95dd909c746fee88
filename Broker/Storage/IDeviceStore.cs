namespace CreatiWall.Broker.Storage;

/// <summary>
/// The fleet: what the server knows of each screen (presence, current and acknowledged layout, the name, tags and
/// location it was registered with). Each change completes once it is durable; a read started after a change completed
/// sees it.
/// </summary>
internal interface IDeviceStore
{
    /// <summary>
    /// Applies <paramref name="change"/> to the device's record (a new offline one on first sight) and stores the result
    /// (every field, name, tags and location included),
    /// atomically with respect to every other change of the store; returns the stored record once it is durable.
    /// <paramref name="change"/> runs once per attempt: the embedded store makes one, the cluster's store makes another when
    /// a change of the same device came between (so it must be a function of the record it gets, with no effect that may
    /// not repeat). It may run on another thread and must not call the store.
    /// </summary>
    ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change);

    /// <summary>Records a device's online status (creating it on first sight), without reading it first; completes once durable.</summary>
    Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason);

    /// <summary>
    /// Records the layout now current on each of the devices (creating unknown ones, offline), all or none; completes
    /// once durable.
    /// </summary>
    Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId);

    /// <summary>The devices of <paramref name="tenant"/> (null: of every tenant), ordered by tenant then device id.</summary>
    ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant);

    /// <summary>One device of <paramref name="tenant"/>; null when the tenant has no such device.</summary>
    ValueTask<DeviceRecord?> GetDeviceAsync(string tenant, string deviceId);

    /// <summary>
    /// The first <see cref="DeviceQuery.Limit"/> devices, in the order of <see cref="ListDevicesAsync"/>, that
    /// <see cref="DeviceQuery.Matches"/>; the page's <see cref="DevicePage.Next"/> is set only when more match after it.
    /// Pages read one after another see each device at most once, and every device that exists throughout.
    /// </summary>
    ValueTask<DevicePage> QueryDevicesAsync(DeviceQuery query);
}
