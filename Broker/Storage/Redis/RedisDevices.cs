using System.Globalization;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// One hash per device (<c>s</c> status, <c>since</c>, <c>r</c> reason, <c>l</c>/<c>m</c> current layout and its
/// message, <c>a</c>/<c>as</c> acknowledged layout and its status, <c>name</c>, <c>tags</c> (comma-separated),
/// <c>loc</c> location, <c>v</c> a version every write raises; a missing field is null), a set of device ids per tenant
/// and a set of tenants. Each write is one script, so a record is never half written and a device never lacks its set
/// entry.
/// </summary>
internal sealed class RedisDevices(RedisCalls calls, TimeProvider time) : IDeviceStore
{
    /// <summary>How often <see cref="UpdateDeviceAsync"/> tries before it gives up on a device that keeps changing.</summary>
    public const int MaxAttempts = 50;

    /// <summary>
    /// KEYS: the device's hash, the tenant's device set. ARGV: the version the change was made from (<c>*</c>: any,
    /// empty: no record yet), the device id, then field and value pairs (an empty value deletes the field, any other is
    /// <c>=</c> and the value). Returns 0, writing nothing, when the version differs.
    /// </summary>
    const string WriteScript = """
        local v = redis.call('HGET', KEYS[1], 'v')
        if ARGV[1] ~= '*' and (v or '') ~= ARGV[1] then return 0 end
        for i = 3, #ARGV, 2 do
          if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
          else redis.call('HSET', KEYS[1], ARGV[i], string.sub(ARGV[i + 1], 2)) end
        end
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('SADD', KEYS[2], ARGV[2])
        return 1
        """;

    /// <summary>
    /// KEYS: the tenant's device set, then each device's hash. ARGV: layout id, message id, the offline status and the
    /// time for devices seen first here, then the device ids in the order of their keys.
    /// </summary>
    const string CurrentLayoutScript = """
        for i = 2, #KEYS do
          redis.call('HSETNX', KEYS[i], 's', ARGV[3])
          redis.call('HSETNX', KEYS[i], 'since', ARGV[4])
          redis.call('HSET', KEYS[i], 'l', ARGV[1], 'm', ARGV[2])
          redis.call('HINCRBY', KEYS[i], 'v', 1)
          redis.call('SADD', KEYS[1], ARGV[3 + i])
        end
        return #KEYS - 1
        """;

    public Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason) =>
        WriteAsync(tenant, deviceId, "*", [("s", status), ("since", Time(since)), ("r", reason)]);

    public Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId)
    {
        if (deviceIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var keys = deviceIds.Select(d => (RedisKey)RedisKeys.Device(tenant, d)).Prepend(RedisKeys.Devices(tenant)).ToArray();
        RedisValue[] values = [layoutId, messageId, DeviceRecord.Offline, Time(time.GetUtcNow()), .. deviceIds.Select(d => (RedisValue)d)];
        var script = calls.WriteAsync(calls.Db.ScriptEvaluateAsync(CurrentLayoutScript, keys, values));
        var tenants = calls.WriteAsync(calls.Db.SetAddAsync(RedisKeys.Tenants, tenant));
        return Task.WhenAll(script, tenants);
    }

    /// <summary>
    /// Optimistic: reads the record, runs <paramref name="change"/> on it, and writes the result only if no other write
    /// of the device came between (its version is unchanged); otherwise reads again and runs <paramref name="change"/>
    /// again. So <paramref name="change"/> runs once per attempt, and more than once only when another node or call
    /// changed the device meanwhile: it must be a function of the record it is given (as the interface requires: no store
    /// calls, no effects that may not repeat). The record returned is the one written.
    /// </summary>
    public async ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change)
    {
        var key = RedisKeys.Device(tenant, deviceId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var fields = (await RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(key))).ToDictionary();
            var existing = Parse(tenant, deviceId, fields)
                ?? new DeviceRecord(tenant, deviceId, DeviceRecord.Offline, time.GetUtcNow(), null, null, null, null, null);
            var updated = change(existing);
            var version = fields.TryGetValue("v", out var v) ? v.ToString() : "";
            if (await WriteAsync(tenant, deviceId, version, Fields(updated)))
            {
                return updated;
            }
        }

        throw new InvalidOperationException($"device {tenant}/{deviceId} changed during each of {MaxAttempts} attempts to update it");
    }

    public async ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant)
    {
        var tenants = tenant is not null
            ? [tenant]
            : (await RedisCalls.ReadAsync(calls.Db.SetMembersAsync(RedisKeys.Tenants))).Select(t => t.ToString()).Order(StringComparer.Ordinal).ToList();
        var devices = new List<DeviceRecord>();
        foreach (var t in tenants)
        {
            var ids = (await RedisCalls.ReadAsync(calls.Db.SetMembersAsync(RedisKeys.Devices(t)))).Select(d => d.ToString()).Order(StringComparer.Ordinal).ToList();
            // Sent together (pipelined), read in order.
            var reads = ids.Select(d => RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(RedisKeys.Device(t, d)))).ToList();
            for (var i = 0; i < ids.Count; i++)
            {
                if (Parse(t, ids[i], (await reads[i]).ToDictionary()) is { } record)
                {
                    devices.Add(record);
                }
            }
        }

        return devices;
    }

    public async ValueTask<DeviceRecord?> GetDeviceAsync(string tenant, string deviceId) =>
        Parse(tenant, deviceId, (await RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(RedisKeys.Device(tenant, deviceId)))).ToDictionary());

    /// <summary>
    /// The tenant's ids from its set, in order, from the cursor on; their hashes read in pipelined batches and filtered
    /// here, until the page and one more match are found.
    /// </summary>
    public async ValueTask<DevicePage> QueryDevicesAsync(DeviceQuery query)
    {
        var tenants = query.Tenant is not null
            ? [query.Tenant]
            : (await RedisCalls.ReadAsync(calls.Db.SetMembersAsync(RedisKeys.Tenants))).Select(t => t.ToString()).Order(StringComparer.Ordinal).ToList();
        var found = new List<DeviceRecord>();
        foreach (var t in tenants.Where(t => query.After is null || string.CompareOrdinal(t, query.After.Tenant) >= 0))
        {
            var ids = (await RedisCalls.ReadAsync(calls.Db.SetMembersAsync(RedisKeys.Devices(t)))).Select(d => d.ToString())
                .Where(d => query.After is null || new DeviceKey(t, d).IsAfter(query.After)).Order(StringComparer.Ordinal).ToList();
            for (var start = 0; start < ids.Count && found.Count <= query.Limit; start += query.Batch)
            {
                var chunk = ids.GetRange(start, Math.Min(query.Batch, ids.Count - start));
                var reads = chunk.Select(d => RedisCalls.ReadAsync(calls.Db.HashGetAllAsync(RedisKeys.Device(t, d)))).ToList();
                for (var i = 0; i < chunk.Count && found.Count <= query.Limit; i++)
                {
                    if (Parse(t, chunk[i], (await reads[i]).ToDictionary()) is { } record && query.Matches(record))
                    {
                        found.Add(record);
                    }
                }
            }

            if (found.Count > query.Limit)
            {
                break;
            }
        }

        return DevicePage.From(found, query.Limit);
    }

    async Task<bool> WriteAsync(string tenant, string deviceId, string version, IEnumerable<(string Field, string? Value)> fields)
    {
        RedisValue[] values = [version, deviceId, .. fields.SelectMany(f => new RedisValue[] { f.Field, f.Value is null ? "" : "=" + f.Value })];
        var script = calls.WriteAsync(calls.Db.ScriptEvaluateAsync(WriteScript, [RedisKeys.Device(tenant, deviceId), RedisKeys.Devices(tenant)], values));
        var tenants = calls.WriteAsync(calls.Db.SetAddAsync(RedisKeys.Tenants, tenant));
        var written = (int)await script == 1;
        await tenants;
        return written;
    }

    static IEnumerable<(string, string?)> Fields(DeviceRecord d) =>
    [
        ("s", d.Status), ("since", Time(d.Since)), ("r", d.Reason), ("l", d.CurrentLayoutId), ("m", d.CurrentLayoutMessageId),
        ("a", d.AckedLayoutId), ("as", d.AckedLayoutStatus), ("name", d.Name), ("tags", d.Tags.Count == 0 ? null : d.Tags.ToString()),
        ("loc", d.Location),
    ];

    static DeviceRecord? Parse(string tenant, string deviceId, Dictionary<RedisValue, RedisValue> fields)
    {
        if (!fields.TryGetValue("s", out var status) || !fields.TryGetValue("since", out var since))
        {
            return null; // no record (or not one written by this store)
        }

        string? Text(string field) => fields.TryGetValue(field, out var value) ? value.ToString() : null;
        return new DeviceRecord(tenant, deviceId, status.ToString(), DateTimeOffset.Parse(since.ToString(), CultureInfo.InvariantCulture),
            Text("r"), Text("l"), Text("m"), Text("a"), Text("as"))
        {
            Name = Text("name"),
            Tags = DeviceTags.Parse(Text("tags")),
            Location = Text("loc"),
        };
    }

    static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
