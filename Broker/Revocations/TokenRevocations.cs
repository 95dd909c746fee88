using System.Collections.Frozen;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Broker.Revocations;

/// <summary>
/// The revocations in force, held in memory so that every CONNECT and REST request checks them without a store read:
/// a token named by its <c>jti</c>, or every token of a subject issued before a time. Filled from the store at start and
/// refreshed by <see cref="RevocationEnforcer"/> (which also learns so of other nodes' revocations).
/// </summary>
internal sealed class TokenRevocations(IRevocationStore store, TimeProvider time) : IRevocationList
{
    volatile Index _index = Index.Empty;

    public bool IsRevoked(Principal principal) => _index.Matches(principal, time.GetUtcNow());

    /// <summary>Stores <paramref name="revocation"/> (durable before this returns) and puts it in force on this node.</summary>
    public async Task AddAsync(Revocation revocation)
    {
        await store.AddRevocationAsync(revocation);
        _index = new Index([.. _index.All, revocation]);
    }

    /// <summary>Reads the store again; returns the revocations this node did not know.</summary>
    public async Task<IReadOnlyList<Revocation>> RefreshAsync()
    {
        var all = await store.ListRevocationsAsync(time.GetUtcNow());
        var known = _index.All.ToHashSet();
        _index = new Index(all);
        return [.. all.Where(r => !known.Contains(r))];
    }

    /// <summary>Whether <paramref name="revocation"/> names <paramref name="principal"/>'s token.</summary>
    public static bool Names(Revocation revocation, Principal principal) =>
        revocation.Tenant == principal.Tenant &&
        ((revocation.TokenId is { } jti && jti == principal.TokenId) ||
         (revocation.Subject is { } sub && sub == principal.Subject && (principal.IssuedAt ?? DateTimeOffset.MinValue) < revocation.Before));

    sealed class Index(IReadOnlyList<Revocation> all)
    {
        public static readonly Index Empty = new([]);

        readonly FrozenDictionary<string, Revocation[]> _byTenant = all.GroupBy(r => r.Tenant).ToFrozenDictionary(g => g.Key, g => g.ToArray());

        public IReadOnlyList<Revocation> All { get; } = all;

        public bool Matches(Principal principal, DateTimeOffset now) =>
            _byTenant.TryGetValue(principal.Tenant, out var revocations) && revocations.Any(r => r.ExpiresAt > now && Names(r, principal));
    }
}
