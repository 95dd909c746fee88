namespace CreatiWall.Broker.Mqtt.Limits;

/// <summary>
/// Live connections per tenant on this node, for <c>Mqtt:MaxConnectionsPerTenant</c>: one is counted from the moment its
/// CONNECT is accepted until its transport connection ends.
/// </summary>
internal sealed class TenantConnections
{
    readonly Lock _lock = new();
    readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts one more connection of <paramref name="tenant"/> unless it holds <paramref name="limit"/> already.
    /// <paramref name="replacing"/>: it takes over a live connection of the same session, which is about to end, so a
    /// screen reconnecting before its old connection is noticed gone is not refused at the cap.
    /// </summary>
    public bool TryOpen(string tenant, int limit, bool replacing)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(tenant);
            if (count >= limit && !replacing)
            {
                return false;
            }

            _counts[tenant] = count + 1;
            return true;
        }
    }

    public void Close(string tenant)
    {
        lock (_lock)
        {
            if (_counts.TryGetValue(tenant, out var count))
            {
                if (count <= 1)
                {
                    _counts.Remove(tenant);
                }
                else
                {
                    _counts[tenant] = count - 1;
                }
            }
        }
    }

    public int Count(string tenant)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(tenant);
        }
    }
}
