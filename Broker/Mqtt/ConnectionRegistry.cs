using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Which identity holds each client id (connected or with a kept session), and the live connection per client id.
/// </summary>
internal sealed class ConnectionRegistry
{
    readonly ConcurrentDictionary<string, MqttConnection> _live = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MqttConnection> _accepted = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<(string Tenant, string Device), MqttConnection> _newestOfDevice = new();

    // Claims change under one lock: they come with CONNECTs and session deletions, not with messages.
    readonly Lock _claims = new();
    readonly Dictionary<string, (string Owner, string Tenant)> _owners = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> _byOwner = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> _byTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims <paramref name="clientId"/> for <paramref name="ownerKey"/> unless another identity holds it, or a new session
    /// would take the owner or its tenant past its quota. Claims whose session is gone without notice (a CONNECT refused
    /// or failed after claiming) are dropped when they stand in the way.
    /// </summary>
    public ClaimResult TryClaim(string clientId, string ownerKey, string tenant, SessionQuota quota, Func<string, bool> sessionExists)
    {
        lock (_claims)
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

            if (!HasRoom(_byOwner, ownerKey, quota.PerPrincipal, sessionExists))
            {
                return ClaimResult.PrincipalQuotaExceeded;
            }

            if (!HasRoom(_byTenant, tenant, quota.PerTenant, sessionExists))
            {
                return ClaimResult.TenantQuotaExceeded;
            }

            _owners[clientId] = (ownerKey, tenant);
            Members(_byOwner, ownerKey).Add(clientId);
            Members(_byTenant, tenant).Add(clientId);
            return ClaimResult.Claimed;
        }
    }

    public void Release(string clientId, string ownerKey)
    {
        lock (_claims)
        {
            if (_owners.TryGetValue(clientId, out var holder) && holder.Owner == ownerKey)
            {
                Unclaim(clientId, holder);
            }
        }
    }

    /// <summary>Sessions (live or kept) of one owner key.</summary>
    public int SessionsOf(string ownerKey)
    {
        lock (_claims)
        {
            return _byOwner.GetValueOrDefault(ownerKey)?.Count ?? 0;
        }
    }

    bool HasRoom(Dictionary<string, HashSet<string>> groups, string key, int limit, Func<string, bool> sessionExists)
    {
        if (!groups.TryGetValue(key, out var members) || members.Count < limit)
        {
            return true;
        }

        foreach (var stale in members.Where(id => !sessionExists(id)).ToList())
        {
            Unclaim(stale, _owners[stale]);
        }

        return !groups.TryGetValue(key, out members) || members.Count < limit;
    }

    void Unclaim(string clientId, (string Owner, string Tenant) holder)
    {
        _owners.Remove(clientId);
        Leave(_byOwner, holder.Owner, clientId);
        Leave(_byTenant, holder.Tenant, clientId);
    }

    static HashSet<string> Members(Dictionary<string, HashSet<string>> groups, string key)
    {
        if (!groups.TryGetValue(key, out var members))
        {
            groups[key] = members = new HashSet<string>(StringComparer.Ordinal);
        }

        return members;
    }

    static void Leave(Dictionary<string, HashSet<string>> groups, string key, string clientId)
    {
        if (groups.TryGetValue(key, out var members) && members.Remove(clientId) && members.Count == 0)
        {
            groups.Remove(key);
        }
    }

    /// <summary>Between CONNECT validation and MQTTnet's connected event.</summary>
    public void Accept(MqttConnection connection) => _accepted[connection.ClientId] = connection;

    public bool TryTakeAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryRemove(clientId, out connection);

    public bool TryGetAccepted(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _accepted.TryGetValue(clientId, out connection);

    /// <summary>Makes <paramref name="connection"/> the live one for its client id; the one it replaces was taken over.</summary>
    public void SetLive(MqttConnection connection)
    {
        _live.AddOrUpdate(connection.ClientId, connection, (_, previous) =>
        {
            if (!ReferenceEquals(previous, connection))
            {
                previous.EndBy(EndReason.TakenOver);
            }

            return connection;
        });
        if (connection.DeviceKey is { } device)
        {
            _newestOfDevice[device] = connection;
        }
    }

    /// <summary>The device <paramref name="connection"/> acts as is connected again, through a newer connection.</summary>
    public bool HasNewerDeviceConnection(MqttConnection connection) =>
        connection.DeviceKey is { } device && _newestOfDevice.TryGetValue(device, out var newest) && !ReferenceEquals(newest, connection);

    public bool IsLive(MqttConnection connection) =>
        _live.TryGetValue(connection.ClientId, out var live) && ReferenceEquals(live, connection);

    public bool TryGetLive(string clientId, [MaybeNullWhen(false)] out MqttConnection connection) =>
        _live.TryGetValue(clientId, out connection);

    /// <summary>Removes <paramref name="connection"/> when it ends; a newer connection of the same client id stays.</summary>
    public void Remove(MqttConnection connection)
    {
        _live.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
        _accepted.TryRemove(new KeyValuePair<string, MqttConnection>(connection.ClientId, connection));
        if (connection.DeviceKey is { } device)
        {
            _newestOfDevice.TryRemove(new KeyValuePair<(string, string), MqttConnection>(device, connection));
        }
    }

    public ICollection<MqttConnection> Live => _live.Values;
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
