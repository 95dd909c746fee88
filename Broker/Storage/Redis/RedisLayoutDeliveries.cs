using System.Globalization;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// One hash per layout update (<c>cw:{tenant}:layout:messageId</c>): field the device id, value
/// <c>state|updated|seq|layoutId|error</c> (state a <see cref="LayoutState"/> number; error empty for none, else
/// <c>=</c> and the text, last since it may hold anything). A delivery moves forward in a script, so two nodes
/// recording a device's PUBACK and its ack never move it back.
/// </summary>
internal sealed class RedisLayoutDeliveries(RedisCalls calls, TimeProvider time) : ILayoutDeliveryStore
{
    /// <summary>
    /// KEYS: the update's hash. ARGV: device id, new state, updated, error. Forward only: applied (2) and failed (3) may
    /// replace each other (a retried apply), nothing goes back; an unknown delivery is left alone.
    /// </summary>
    const string AdvanceScript = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if not current then return 0 end
        local state, seq, layout = string.match(current, '^(%d+)|[^|]*|([^|]*)|([^|]*)|')
        state = tonumber(state)
        local new = tonumber(ARGV[2])
        if not (state < new or (state >= 2 and new >= 2)) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. seq .. '|' .. layout .. '|' .. ARGV[4])
        return 1
        """;

    /// <summary>One HSET of every device: all or none.</summary>
    public Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices)
    {
        if (devices.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (layoutId.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException("a layout id holds no '|' (the id rule)", nameof(layoutId));
        }

        var updated = Time(time.GetUtcNow());
        var fields = devices.Select(d => new HashEntry(d.DeviceId, Value(LayoutState.Pending, updated, d.Seq, layoutId, null))).ToArray();
        return calls.WriteAsync(calls.Db.HashSetAsync(RedisKeys.Deliveries(tenant, messageId), fields));
    }

    public Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null) =>
        calls.WriteAsync(calls.Db.ScriptEvaluateAsync(AdvanceScript, [RedisKeys.Deliveries(tenant, messageId)],
            [deviceId, (int)state, Time(time.GetUtcNow()), error is null ? "" : "=" + error]));

    public async Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId)
    {
        var entries = await RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(RedisKeys.Deliveries(tenant, messageId)));
        return entries.Select(e => Parse(e.Name.ToString(), e.Value.ToString())).OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToList();
    }

    static string Value(LayoutState state, string updated, long seq, string layoutId, string? error) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)state}|{updated}|{seq}|{layoutId}|{(error is null ? "" : "=" + error)}");

    static LayoutDelivery Parse(string deviceId, string value)
    {
        var parts = value.Split('|', 5);
        return new LayoutDelivery(deviceId, parts[3], long.Parse(parts[2], CultureInfo.InvariantCulture),
            (LayoutState)int.Parse(parts[0], CultureInfo.InvariantCulture), parts[4].Length == 0 ? null : parts[4][1..],
            DateTimeOffset.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
