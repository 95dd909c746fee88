using MQTTnet;

namespace CreatiWall.Broker.Storage;

/// <summary>
/// What the broker keeps beyond one connection and across restarts: per-tenant sequence numbers, the fleet of devices,
/// retained messages, layout delivery tracking and the history of tenant messages. Kept narrow so a clustered
/// implementation can stand in for the embedded one.
/// </summary>
public interface IBrokerStore
{
    /// <summary>The next <c>seq</c> of <paramref name="tenant"/>: strictly increasing, never reused, across restarts.</summary>
    ValueTask<long> NextSeqAsync(string tenant);

    /// <summary>Takes <paramref name="count"/> consecutive <c>seq</c> numbers at once and returns the first.</summary>
    ValueTask<long> NextSeqsAsync(string tenant, int count);

    /// <summary>Records a change to a device, creating it on first sight.</summary>
    ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change);

    /// <summary>Records a device's online status (creating it on first sight), without reading it first.</summary>
    Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason);

    /// <summary>Records the layout now current on each of the devices (creating unknown ones), as one operation.</summary>
    Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId);

    ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant);

    /// <summary>Completes once every change asked for before it is durable.</summary>
    Task FlushAsync();

    /// <summary>Stores one retained message (one row per topic); an empty payload deletes the topic's.</summary>
    Task SaveRetainedAsync(MqttApplicationMessage message);

    Task<List<MqttApplicationMessage>> LoadRetainedAsync();

    /// <summary>Records each device of a layout update as pending, before it is published.</summary>
    Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices);

    /// <summary>Moves a device's delivery forward (pending → delivered → applied/failed); never back.</summary>
    Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null);

    Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId);

    /// <summary>Keeps an envelope of a history channel (broadcast, users, content, custom channels), trimming old ones.</summary>
    Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope);

    /// <summary>The kept envelopes of <paramref name="topic"/> after <paramref name="since"/>, oldest first.</summary>
    Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit);
}

public enum LayoutState
{
    Pending,
    Delivered,
    Applied,
    Failed,
}

public sealed record LayoutDelivery(string DeviceId, string LayoutId, long Seq, LayoutState State, string? Error, DateTimeOffset Updated);

/// <summary>
/// <see cref="Truncated"/>: messages after <c>since</c> were already dropped (count or age bound), so the caller must
/// refetch state instead of replaying.
/// </summary>
public sealed record HistoryPage(bool Truncated, long OldestKept, IReadOnlyList<byte[]> Envelopes);
