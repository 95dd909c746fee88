namespace CreatiWall.Broker.Storage;

/// <summary>Per-device tracking of a layout update: pending, delivered (QoS 1 acknowledged), applied or failed.</summary>
internal interface ILayoutDeliveryStore
{
    /// <summary>Records each device of a layout update as pending, all or none; completes once durable.</summary>
    Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices);

    /// <summary>
    /// Moves a device's delivery forward (pending → delivered → applied/failed; applied and failed may replace each
    /// other), never back; an unknown delivery is left alone. Completes once durable.
    /// </summary>
    Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null);

    /// <summary>The deliveries of one layout update, ordered by device id; empty when the update is unknown to <paramref name="tenant"/>.</summary>
    Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId);
}

public enum LayoutState
{
    Pending,
    Delivered,
    Applied,
    Failed,
}

public sealed record LayoutDelivery(string DeviceId, string LayoutId, long Seq, LayoutState State, string? Error, DateTimeOffset Updated);
