namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// <c>seq</c> numbers straight from Redis (INCRBY on the tenant's counter, one round trip per call, a range in one
/// call): every node takes from the same counter, so numbers grow across the cluster in the order they are taken, and
/// one acknowledged by Redis is never handed out again (AOF keeps the counter across a restart of Redis).
/// </summary>
internal sealed class RedisSequences(RedisCalls calls) : ISequenceStore
{
    public ValueTask<long> NextSeqAsync(string tenant) => NextSeqsAsync(tenant, 1);

    public async ValueTask<long> NextSeqsAsync(string tenant, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var last = await calls.WriteAsync(calls.Db.StringIncrementAsync(RedisKeys.Seq(tenant), count));
        return last - count + 1;
    }
}
