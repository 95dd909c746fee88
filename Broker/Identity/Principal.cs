namespace CreatiWall.Broker.Identity;

/// <summary>
/// Who is acting: the validated token's claims plus, for an MQTT connection, the device it acts as.
/// </summary>
public sealed record Principal(
    string Tenant,
    string Subject,
    Role Role,
    IReadOnlySet<string> Devices,
    DateTimeOffset ExpiresAt,
    string? ActingDevice = null)
{
    /// <summary>The token's <c>jti</c>, when it has one (revocation names a token by it).</summary>
    public string? TokenId { get; init; }

    /// <summary>The token's <c>iat</c>, when it has one (revocation ends a subject's tokens issued before a time).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Tenant value that lets an ops principal see every tenant.</summary>
    public const string AllTenants = "*";

    public bool IsAllTenantsOps => Role == Role.Ops && Tenant == AllTenants;

    /// <summary>True when this principal's user-level rights cover device <paramref name="deviceId"/>.</summary>
    public bool Owns(string deviceId) => Role == Role.User && Devices.Contains(deviceId);

    /// <summary>
    /// The identity a session belongs to: a client id held by one identity is never handed to another.
    /// </summary>
    public string SessionOwnerKey => $"{Tenant}\n{Role.ToClaim()}\n{Subject}\n{ActingDevice}";

    /// <summary>
    /// Whose session quota a session counts against: the principal, whichever device it acts as, so a user owning many
    /// devices cannot multiply its quota by connecting as each.
    /// </summary>
    public string SessionQuotaKey => $"{Tenant}\n{Role.ToClaim()}\n{Subject}";

    /// <summary>
    /// Decides whether a connection of this principal may act as device <paramref name="deviceId"/>
    /// (contract: role device with sub == d; role user owning d; admin of the tenant).
    /// </summary>
    public bool MayActAsDevice(string deviceId) => Role switch
    {
        Role.Device => Subject == deviceId,
        Role.User => Devices.Contains(deviceId),
        Role.Admin => true,
        _ => false,
    };
}
