using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// One stream per history topic (<c>cw:{tenant}:history:topic</c>, entry id <c>seq-0</c>, field <c>e</c> the envelope),
/// two sorted sets per tenant indexing every kept envelope (<c>"seq topic"</c> by seq and by time) for the count bound,
/// which is per tenant, and the age bound, and the tenant's floor (every seq up to it has been dropped). As in the
/// SQLite store, only writers drop envelopes: each append (both bounds, its tenant) and a periodic trim (every tenant
/// with history, every <see cref="TrimPeriod"/>, also once at start); a read applies the bounds as of its own time to
/// what it returns, and reports as truncated any read from below the floor.
/// </summary>
internal sealed partial class RedisHistory : IHistoryStore, IDisposable
{
    /// <summary>How often the envelopes aged beyond the bound are dropped for tenants that did not append meanwhile.</summary>
    public static readonly TimeSpan TrimPeriod = TimeSpan.FromMinutes(10);

    readonly RedisCalls _calls;
    readonly StorageOptions _options;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly ITimer _trimming;

    public RedisHistory(RedisCalls calls, StorageOptions options, TimeProvider time, ILogger logger)
    {
        (_calls, _options, _time, _logger) = (calls, options, time, logger);
        _trimming = time.CreateTimer(_ => _ = TrimAllAsync(), null, TimeSpan.Zero, TrimPeriod);
    }

    public Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1); // a stream id above 0-0
        var script = _calls.WriteAsync(_calls.Db.ScriptEvaluateAsync(RedisHistoryScripts.Append, Keys(tenant, topic),
            [Text(seq), at.ToUnixTimeMilliseconds(), envelope, topic, RedisKeys.HistoryStreamPrefix(tenant), Cutoff(), _options.HistoryMaxMessages]));
        var listed = _calls.WriteAsync(_calls.Db.SetAddAsync(RedisKeys.HistoryTenants, tenant));
        return Task.WhenAll(script, listed);
    }

    public async Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit)
    {
        var result = await RedisCalls.ReadAsync(_calls.Db.ScriptEvaluateAsync(RedisHistoryScripts.Read, Keys(tenant, topic),
            [Text(Math.Max(since, 0)), Math.Max(limit, 0), Cutoff(), _options.HistoryMaxMessages]));
        var items = (RedisResult[])result!;
        var floor = long.Parse(items[1].ToString(), CultureInfo.InvariantCulture);
        return new HistoryPage((int)items[0] == 1, floor + 1, items.Skip(2).Select(e => (byte[])e!).ToList());
    }

    /// <summary>Drops what is beyond the bounds for every tenant with history (the timer's step); a failure is logged, the next step tries again.</summary>
    internal async Task TrimAllAsync()
    {
        try
        {
            foreach (var tenant in await RedisCalls.ReadAsync(_calls.Db.SetMembersAsync(RedisKeys.HistoryTenants)))
            {
                var t = tenant.ToString();
                await _calls.WriteAsync(_calls.Db.ScriptEvaluateAsync(RedisHistoryScripts.Trim,
                    [RedisKeys.HistoryBySeq(t), RedisKeys.HistoryByTime(t), RedisKeys.HistoryFloor(t)],
                    [RedisKeys.HistoryStreamPrefix(t), Cutoff(), _options.HistoryMaxMessages]));
            }
        }
        catch (Exception error)
        {
            LogTrimFailed(error);
        }
    }

    static RedisKey[] Keys(string tenant, string topic) =>
        [RedisKeys.HistoryBySeq(tenant), RedisKeys.HistoryByTime(tenant), RedisKeys.HistoryFloor(tenant), RedisKeys.HistoryStreamPrefix(tenant) + topic];

    /// <summary>Envelopes older than this (Unix ms) are beyond the age bound.</summary>
    long Cutoff() => (_time.GetUtcNow() - TimeSpan.FromHours(_options.HistoryMaxAgeHours)).ToUnixTimeMilliseconds();

    /// <summary>Seqs go to the scripts as text: Lua's numbers are doubles, and a stream id is built from the digits.</summary>
    static string Text(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming the history in Redis failed; the next trim tries again")]
    partial void LogTrimFailed(Exception error);

    public void Dispose() => _trimming.Dispose();
}
