namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>
/// How many subscriptions of this node reach each tenant's topics (<c>cw/{tenant}/…</c>); <see cref="AllTenants"/> for a
/// filter that reaches every tenant (an operator's <c>#</c>). <see cref="Changed"/> fires when a tenant gains its first
/// subscription or loses its last, so a cluster node listens only to the tenants its clients can match.
/// </summary>
internal sealed class TenantInterest
{
    public const string AllTenants = "*";

    readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>(tenant, interested): called under the router's lock; a handler queues its work and returns.</summary>
    public event Action<string, bool>? Changed;

    /// <summary>The tenant a filter's messages belong to; <see cref="AllTenants"/> when any; null for <c>$SYS</c> (per node).</summary>
    public static string? TenantOf(string filter)
    {
        if (filter.StartsWith('$'))
        {
            return null;
        }

        var levels = filter.Split('/', 3);
        return levels is ["cw", var tenant, ..] && Ids.IsValid(tenant) ? tenant : AllTenants;
    }

    public IReadOnlyCollection<string> Tenants
    {
        get
        {
            lock (_counts)
            {
                return [.. _counts.Keys];
            }
        }
    }

    public void Add(string filter) => Count(filter, +1);

    public void Remove(string filter) => Count(filter, -1);

    void Count(string filter, int change)
    {
        if (TenantOf(filter) is not { } tenant)
        {
            return;
        }

        bool? edge = null;
        lock (_counts)
        {
            var count = _counts.GetValueOrDefault(tenant) + change;
            if (count <= 0)
            {
                edge = _counts.Remove(tenant) ? false : null;
            }
            else
            {
                edge = count == 1 && change > 0 ? true : null;
                _counts[tenant] = count;
            }
        }

        if (edge is { } interested)
        {
            Changed?.Invoke(tenant, interested);
        }
    }
}
