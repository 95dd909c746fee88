using System.Globalization;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// The cluster's presence ledger: field <c>h</c> of the device's hash (<see cref="RedisDevices"/>) names the connection
/// that holds it; each write is one script that checks it, so two nodes never undo each other's newer status.
/// </summary>
internal sealed class RedisPresence(RedisCalls calls, TimeProvider time) : IPresenceLedger
{
    /// <summary>KEYS: device hash, tenant's device set. ARGV: holder, device id, offline status, now. Returns the previous holder.</summary>
    const string HoldScript = """
        local previous = redis.call('HGET', KEYS[1], 'h')
        redis.call('HSET', KEYS[1], 'h', ARGV[1])
        redis.call('HSETNX', KEYS[1], 's', ARGV[3])
        redis.call('HSETNX', KEYS[1], 'since', ARGV[4])
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('SADD', KEYS[2], ARGV[2])
        return previous
        """;

    /// <summary>
    /// KEYS: device hash, tenant's device set. ARGV: holder, device id, status, since, reason (empty: none), whether only
    /// the holder may write (1: offline) or also a device nobody holds (0: online). Returns 1 when written.
    /// </summary>
    const string StatusScript = """
        local h = redis.call('HGET', KEYS[1], 'h')
        if ARGV[6] == '1' and h ~= ARGV[1] then return 0 end
        if ARGV[6] == '0' and h and h ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 's', ARGV[3], 'since', ARGV[4])
        if ARGV[5] == '' then redis.call('HDEL', KEYS[1], 'r') else redis.call('HSET', KEYS[1], 'r', ARGV[5]) end
        if ARGV[6] == '1' then redis.call('HDEL', KEYS[1], 'h') else redis.call('HSET', KEYS[1], 'h', ARGV[1]) end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('SADD', KEYS[2], ARGV[2])
        return 1
        """;

    public bool Shared => true;

    public async Task<string?> HoldAsync(string tenant, string device, string holder)
    {
        var previous = await calls.WriteAsync(calls.Db.ScriptEvaluateAsync(HoldScript, Keys(tenant, device),
            [holder, device, DeviceRecord.Offline, Time(time.GetUtcNow())]));
        await calls.WriteAsync(calls.Db.SetAddAsync(RedisKeys.Tenants, tenant));
        return previous.IsNull ? null : previous.ToString();
    }

    public Task<bool> OnlineAsync(string tenant, string device, string holder, DateTimeOffset since) =>
        WriteAsync(tenant, device, holder, DeviceRecord.Online, since, null, onlyHolder: false);

    public Task<bool> OfflineAsync(string tenant, string device, string holder, DateTimeOffset since, string reason) =>
        WriteAsync(tenant, device, holder, DeviceRecord.Offline, since, reason, onlyHolder: true);

    async Task<bool> WriteAsync(string tenant, string device, string holder, string status, DateTimeOffset since, string? reason, bool onlyHolder)
    {
        var written = await calls.WriteAsync(calls.Db.ScriptEvaluateAsync(StatusScript, Keys(tenant, device),
            [holder, device, status, Time(since), reason ?? "", onlyHolder ? "1" : "0"]));
        await calls.WriteAsync(calls.Db.SetAddAsync(RedisKeys.Tenants, tenant));
        return (int)written == 1;
    }

    static RedisKey[] Keys(string tenant, string device) => [RedisKeys.Device(tenant, device), RedisKeys.Devices(tenant)];

    static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
