using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace CreatiWall.Tests.Rules;

/// <summary>
/// Session quotas stay O(1) per CONNECT: a group at its limit is pruned (every member asked about) at most once per
/// <see cref="SessionClaims.PruneInterval"/>, not on every CONNECT that finds it full.
/// </summary>
public sealed class SessionClaimsTests
{
    readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_tenant_at_its_cap_is_scanned_at_most_once_per_interval_however_many_connects_it_refuses()
    {
        var claims = new SessionClaims(_clock);
        var quota = new SessionQuota(PerPrincipal: 10, PerTenant: 1000);
        var asked = 0;
        bool Exists(string id)
        {
            asked++;
            return true;
        }

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(ClaimResult.Claimed, claims.TryClaim($"t1/c{i}", $"user-{i}", $"user-{i}", "t1", quota, Exists));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(ClaimResult.TenantQuotaExceeded, claims.TryClaim($"t1/new{i}", $"new-{i}", $"new-{i}", "t1", quota, Exists));
        }

        Assert.InRange(asked, 1000, 1000); // one scan; it was 100 scans of 1,000 members under the global lock
        _clock.Advance(SessionClaims.PruneInterval);
        Assert.Equal(ClaimResult.TenantQuotaExceeded, claims.TryClaim("t1/late", "late", "late", "t1", quota, Exists));
        Assert.Equal(2000, asked); // and one more once the interval has passed
    }

    [Fact]
    public void A_claim_left_by_a_failed_connect_is_pruned_at_once_the_first_time_then_after_the_interval()
    {
        var claims = new SessionClaims(_clock);
        var quota = new SessionQuota(PerPrincipal: 10, PerTenant: 2);
        var sessions = new HashSet<string> { "t1/a", "t1/b" };
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/a", "alice", "alice", "t1", quota, sessions.Contains));
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/b", "bob", "bob", "t1", quota, sessions.Contains));

        sessions.Remove("t1/a"); // its session never came, or went without notice
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/c", "carol", "carol", "t1", quota, sessions.Contains));
        sessions.Add("t1/c");

        sessions.Remove("t1/b");
        Assert.Equal(ClaimResult.TenantQuotaExceeded, claims.TryClaim("t1/d", "dave", "dave", "t1", quota, sessions.Contains));
        _clock.Advance(SessionClaims.PruneInterval - TimeSpan.FromSeconds(1));
        Assert.Equal(ClaimResult.TenantQuotaExceeded, claims.TryClaim("t1/d", "dave", "dave", "t1", quota, sessions.Contains));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/d", "dave", "dave", "t1", quota, sessions.Contains));
    }

    [Fact]
    public void A_deleted_session_frees_its_place_at_once()
    {
        var claims = new SessionClaims(_clock);
        var quota = new SessionQuota(PerPrincipal: 1, PerTenant: 10);
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/a", "alice", "alice", "t1", quota, _ => true));
        Assert.Equal(ClaimResult.PrincipalQuotaExceeded, claims.TryClaim("t1/b", "alice", "alice", "t1", quota, _ => true));

        claims.Release("t1/a", "alice");
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/b", "alice", "alice", "t1", quota, _ => true));
        Assert.Equal(1, claims.SessionsOf("alice"));
    }

    [Fact]
    public void One_principal_acting_as_several_devices_shares_one_quota_but_not_its_client_ids()
    {
        var claims = new SessionClaims(_clock);
        var quota = new SessionQuota(PerPrincipal: 2, PerTenant: 10);
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/a", "alice as d1", "alice", "t1", quota, _ => true));
        Assert.Equal(ClaimResult.Claimed, claims.TryClaim("t1/b", "alice as d2", "alice", "t1", quota, _ => true));
        Assert.Equal(ClaimResult.PrincipalQuotaExceeded, claims.TryClaim("t1/c", "alice as d3", "alice", "t1", quota, _ => true));
        Assert.Equal(ClaimResult.HeldByAnother, claims.TryClaim("t1/a", "alice as d2", "alice", "t1", quota, _ => true));

        claims.Release("t1/a", "alice as d1");
        Assert.Equal(1, claims.SessionsOf("alice"));
    }
}
