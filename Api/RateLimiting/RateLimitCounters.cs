using System.Diagnostics.Metrics;
using CreatiWall.Broker.Metrics;

namespace CreatiWall.Api.RateLimiting;

/// <summary>
/// REST requests refused by a rate limit, by the limit that refused them (<c>user</c>, <c>tenant</c>, <c>address</c>):
/// counted (<c>cw_rest_rate_limited_total</c>) and logged at most once per 10 s per limit.
/// </summary>
public sealed partial class RateLimitCounters : IDisposable
{
    public const string MeterName = "CreatiWall.Api";

    readonly Meter _meter;
    readonly Counter<long> _limited;
    readonly LogThrottle _log;
    readonly ILogger<RateLimitCounters> _logger;

    public RateLimitCounters(IMeterFactory meters, TimeProvider time, ILogger<RateLimitCounters> logger)
    {
        _meter = meters.Create(MeterName);
        _limited = _meter.CreateCounter<long>("cw.rest.rate_limited", "{request}", "REST requests refused with 429, by limit: user, tenant, address");
        _log = new LogThrottle(TimeSpan.FromSeconds(10), time);
        _logger = logger;
    }

    /// <summary><paramref name="who"/> names the partition: tenant and sub (ids the token validator checked), or the address; never a token.</summary>
    public void Rejected(string limit, string who)
    {
        _limited.Add(1, new KeyValuePair<string, object?>("limit", limit));
        if (_log.TryEnter(limit, out var held))
        {
            LogRejected(limit, who, held);
        }
    }

    [LoggerMessage(LogLevel.Warning, "REST rate limit per {Limit} hit by {Who}: 429 ({Held} more refused by it in the last 10 s, counted in cw_rest_rate_limited)")]
    partial void LogRejected(string limit, string who, long held);

    public void Dispose() => _meter.Dispose();
}
