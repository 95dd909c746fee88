namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Which identity holds each client id (connected or with a kept session), counted per principal and per tenant for the
/// session quotas. A claim goes when its session is deleted; one left behind by a CONNECT that failed after claiming is
/// found by pruning a group that stands at its limit, at most once per <see cref="PruneInterval"/> per group: pruning
/// asks about every member, and a tenant at its cap (100,000 by default) would otherwise be scanned under the lock on
/// every CONNECT. Every other step is O(1).
/// </summary>
internal sealed class SessionClaims(TimeProvider time)
{
    public static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(30);

    readonly record struct Holder(string Owner, string QuotaKey, string Tenant);

    sealed class Group
    {
        public readonly HashSet<string> Members = new(StringComparer.Ordinal);
        public long? PrunedAt;
    }

    // Claims change under one lock: they come with CONNECTs and session deletions, not with messages.
    readonly Lock _lock = new();
    readonly Dictionary<string, Holder> _owners = new(StringComparer.Ordinal);
    readonly Dictionary<string, Group> _byPrincipal = new(StringComparer.Ordinal);
    readonly Dictionary<string, Group> _byTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims <paramref name="clientId"/> for <paramref name="ownerKey"/> unless another identity holds it, or a new session
    /// would take the principal (<paramref name="quotaKey"/>: one principal may act as several owners, one per device) or
    /// its tenant past its quota. A claim whose session is gone without notice is dropped when it
    /// stands in the way of another identity, or when its group is pruned.
    /// </summary>
    public ClaimResult TryClaim(string clientId, string ownerKey, string quotaKey, string tenant, SessionQuota quota, Func<string, bool> sessionExists)
    {
        lock (_lock)
        {
            if (_owners.TryGetValue(clientId, out var holder))
            {
                if (holder.Owner == ownerKey)
                {
                    return ClaimResult.Claimed;
                }

                if (sessionExists(clientId))
                {
                    return ClaimResult.HeldByAnother;
                }

                Unclaim(clientId, holder);
            }

            if (!HasRoom(_byPrincipal, quotaKey, quota.PerPrincipal, sessionExists))
            {
                return ClaimResult.PrincipalQuotaExceeded;
            }

            if (!HasRoom(_byTenant, tenant, quota.PerTenant, sessionExists))
            {
                return ClaimResult.TenantQuotaExceeded;
            }

            _owners[clientId] = new Holder(ownerKey, quotaKey, tenant);
            Join(_byPrincipal, quotaKey, clientId);
            Join(_byTenant, tenant, clientId);
            return ClaimResult.Claimed;
        }
    }

    public void Release(string clientId, string ownerKey)
    {
        lock (_lock)
        {
            if (_owners.TryGetValue(clientId, out var holder) && holder.Owner == ownerKey)
            {
                Unclaim(clientId, holder);
            }
        }
    }

    /// <summary>Sessions (live or kept) of one principal (its quota key).</summary>
    public int SessionsOf(string quotaKey)
    {
        lock (_lock)
        {
            return _byPrincipal.GetValueOrDefault(quotaKey)?.Members.Count ?? 0;
        }
    }

    bool HasRoom(Dictionary<string, Group> groups, string key, int limit, Func<string, bool> sessionExists)
    {
        if (!groups.TryGetValue(key, out var group) || group.Members.Count < limit)
        {
            return true;
        }

        var now = time.GetTimestamp();
        if (group.PrunedAt is { } pruned && time.GetElapsedTime(pruned, now) < PruneInterval)
        {
            return false;
        }

        group.PrunedAt = now;
        foreach (var stale in group.Members.Where(id => !sessionExists(id)).ToList())
        {
            Unclaim(stale, _owners[stale]);
        }

        return group.Members.Count < limit;
    }

    void Unclaim(string clientId, Holder holder)
    {
        _owners.Remove(clientId);
        Leave(_byPrincipal, holder.QuotaKey, clientId);
        Leave(_byTenant, holder.Tenant, clientId);
    }

    static void Join(Dictionary<string, Group> groups, string key, string clientId)
    {
        if (!groups.TryGetValue(key, out var group))
        {
            groups[key] = group = new Group();
        }

        group.Members.Add(clientId);
    }

    static void Leave(Dictionary<string, Group> groups, string key, string clientId)
    {
        if (groups.TryGetValue(key, out var group) && group.Members.Remove(clientId) && group.Members.Count == 0)
        {
            groups.Remove(key);
        }
    }
}

/// <summary>Sessions (live or kept) one principal, and one tenant, may hold.</summary>
internal readonly record struct SessionQuota(int PerPrincipal, int PerTenant);

internal enum ClaimResult
{
    Claimed,
    HeldByAnother,
    PrincipalQuotaExceeded,
    TenantQuotaExceeded,
}
