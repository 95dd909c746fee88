using System.Text.Json;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// One sorted set <c>cw:revocations</c>: member the revocation as JSON, score its expiry (Unix ms), so expired ones are
/// trimmed by score. Every node reads the whole set; it holds only what has not expired.
/// </summary>
internal sealed class RedisRevocations(RedisCalls calls) : IRevocationStore
{
    public Task AddRevocationAsync(Revocation revocation) =>
        calls.WriteAsync(calls.Db.SortedSetAddAsync(RedisKeys.Revocations, JsonSerializer.Serialize(revocation), revocation.ExpiresAt.ToUnixTimeMilliseconds()));

    public async Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now)
    {
        var cutoff = now.ToUnixTimeMilliseconds();
        await calls.WriteAsync(calls.Db.SortedSetRemoveRangeByScoreAsync(RedisKeys.Revocations, double.NegativeInfinity, cutoff));
        var members = await RedisCalls.ReadAsync(calls.Db.SortedSetRangeByScoreAsync(RedisKeys.Revocations, cutoff, double.PositiveInfinity, Exclude.Start));
        return [.. members.Select(m => JsonSerializer.Deserialize<Revocation>(m.ToString())!)];
    }
}
