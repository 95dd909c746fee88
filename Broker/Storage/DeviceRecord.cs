namespace CreatiWall.Broker.Storage;

/// <summary>
/// What the server knows of one screen: presence and layouts (kept by the broker), and what its admins and owners
/// registered for it (<see cref="Name"/>, <see cref="Tags"/>, <see cref="Location"/>; <c>PUT /api/devices/{id}</c>).
/// </summary>
public sealed record DeviceRecord(
    string Tenant,
    string DeviceId,
    string Status,
    DateTimeOffset Since,
    string? Reason,
    string? CurrentLayoutId,
    string? CurrentLayoutMessageId,
    string? AckedLayoutId,
    string? AckedLayoutStatus)
{
    public const string Online = PresenceStatus.Online;
    public const string Offline = PresenceStatus.Offline;

    public string? Name { get; init; }

    public DeviceTags Tags { get; init; } = DeviceTags.None;

    public string? Location { get; init; }
}
