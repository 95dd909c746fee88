namespace CreatiWall.Broker.Storage;

/// <summary>A device's place in the order lists use: by tenant, then by device id (ordinal).</summary>
public sealed record DeviceKey(string Tenant, string DeviceId)
{
    /// <summary>Whether this key comes after <paramref name="other"/> in list order.</summary>
    public bool IsAfter(DeviceKey other)
    {
        var byTenant = string.CompareOrdinal(Tenant, other.Tenant);
        return byTenant > 0 || (byTenant == 0 && string.CompareOrdinal(DeviceId, other.DeviceId) > 0);
    }

    public static DeviceKey Of(DeviceRecord device) => new(device.Tenant, device.DeviceId);
}

/// <summary>
/// One page of a device list: the devices of <see cref="Tenant"/> (null: of every tenant) after <see cref="After"/> that
/// match every filter given: <see cref="Status"/> exactly, <see cref="Tag"/> among its tags, <see cref="Text"/> within its
/// id, name or location (ignoring case); at most <see cref="Limit"/> of them.
/// </summary>
public sealed record DeviceQuery(string? Tenant, string? Status = null, string? Tag = null, string? Text = null, int Limit = 100, DeviceKey? After = null)
{
    /// <summary>How many devices a store reads at a time for this query: the page and one more, more when it filters.</summary>
    public int Batch => Status is null && Tag is null && Text is null ? Limit + 1 : Math.Max(Limit + 1, 500);

    public bool Matches(DeviceRecord device) =>
        (Tenant is null || device.Tenant == Tenant) &&
        (After is null || DeviceKey.Of(device).IsAfter(After)) &&
        (Status is null || device.Status == Status) &&
        (Tag is null || device.Tags.Has(Tag)) &&
        (Text is null || Contains(device.DeviceId) || Contains(device.Name) || Contains(device.Location));

    bool Contains(string? field) => field is not null && field.Contains(Text!, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A page of devices in list order; <see cref="Next"/> is where the next page starts after (the last device here), null
/// when no device after this page matches.
/// </summary>
public sealed record DevicePage(IReadOnlyList<DeviceRecord> Devices, DeviceKey? Next)
{
    /// <summary>The page of <paramref name="limit"/> from the matches found in order (up to one more than the limit).</summary>
    public static DevicePage From(List<DeviceRecord> found, int limit) => found.Count > limit
        ? new DevicePage(found[..limit], DeviceKey.Of(found[limit - 1]))
        : new DevicePage(found, null);
}
