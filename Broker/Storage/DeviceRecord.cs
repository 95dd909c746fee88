namespace CreatiWall.Broker.Storage;

/// <summary>What the server knows of one screen.</summary>
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
}
