using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// The cluster's store: every node keeps its state in one Redis (<c>Redis:ConnectionString</c>; a server, Sentinel or
/// Redis Cluster), through the same small interfaces as the embedded store. Each change completes once Redis has
/// acknowledged it (with AOF, Redis writes it to disk within a second: <c>appendfsync everysec</c>); when Redis cannot be
/// reached, calls fail within the client's timeout (5 s unless the connection string says otherwise) with
/// <see cref="StoreUnavailableException"/>. Each data area is its own class beside this one; key names are in
/// <see cref="RedisKeys"/>.
/// </summary>
internal sealed class RedisStore : IBrokerStore, IRetainedLookup, IDisposable
{
    static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    readonly RedisCalls _calls;

    /// <summary>The cluster's presence ledger, on the same connection and write tracking as the rest of the store.</summary>
    internal RedisPresence Presence { get; }

    readonly RedisSequences _sequences;
    readonly RedisDevices _devices;
    readonly RedisRetained _retained;
    readonly RedisLayoutDeliveries _deliveries;
    readonly RedisHistory _history;
    readonly RedisRevocations _revocations;
    readonly TimeProvider _time;

    public RedisStore(IConnectionMultiplexer connection, IOptions<StorageOptions> options, TimeProvider? time = null, ILogger<RedisStore>? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _calls = new RedisCalls(connection);
        _sequences = new RedisSequences(_calls);
        _devices = new RedisDevices(_calls, _time);
        Presence = new RedisPresence(_calls, _time);
        _retained = new RedisRetained(_calls);
        _deliveries = new RedisLayoutDeliveries(_calls, _time);
        _history = new RedisHistory(_calls, options.Value, _time, logger ?? (ILogger)NullLogger.Instance);
        _revocations = new RedisRevocations(_calls);
    }

    public Task FlushAsync() => _calls.FlushAsync();

    /// <summary>Writes and reads a key on the primary within <see cref="PingTimeout"/>; says which server failed and how.</summary>
    public async Task<StoreHealth> PingAsync(CancellationToken cancellationToken = default)
    {
        var servers = string.Join(", ", _calls.Connection.GetEndPoints().Select(e => e.ToString()));
        if (!_calls.Connection.IsConnected)
        {
            return StoreHealth.Failing($"Redis at {servers} is unreachable (no connection)");
        }

        try
        {
            var stamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
            await _calls.Db.StringSetAsync(RedisKeys.Health, stamp, TimeSpan.FromMinutes(1)).WaitAsync(PingTimeout, cancellationToken);
            var read = await _calls.Db.StringGetAsync(RedisKeys.Health, CommandFlags.DemandMaster).WaitAsync(PingTimeout, cancellationToken);
            return read.IsNull ? StoreHealth.Failing($"Redis at {servers} lost the key it was just given") : StoreHealth.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException)
        {
            return StoreHealth.Failing($"Redis at {servers} did not answer within {PingTimeout.TotalSeconds:0} s");
        }
        catch (Exception error)
        {
            return StoreHealth.Failing($"Redis at {servers}: {error.GetType().Name}: {error.Message}");
        }
    }

    public ValueTask<long> NextSeqAsync(string tenant) => _sequences.NextSeqAsync(tenant);

    public ValueTask<long> NextSeqsAsync(string tenant, int count) => _sequences.NextSeqsAsync(tenant, count);

    public ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change) =>
        _devices.UpdateDeviceAsync(tenant, deviceId, change);

    public Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason) =>
        _devices.SetStatusAsync(tenant, deviceId, status, since, reason);

    public Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId) =>
        _devices.SetCurrentLayoutAsync(tenant, deviceIds, layoutId, messageId);

    public ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant) => _devices.ListDevicesAsync(tenant);

    public ValueTask<DeviceRecord?> GetDeviceAsync(string tenant, string deviceId) => _devices.GetDeviceAsync(tenant, deviceId);

    public ValueTask<DevicePage> QueryDevicesAsync(DeviceQuery query) => _devices.QueryDevicesAsync(query);

    public Task SaveRetainedAsync(MqttApplicationMessage message) => _retained.SaveRetainedAsync(message);

    public Task<List<MqttApplicationMessage>> LoadRetainedAsync() => _retained.LoadRetainedAsync();

    public Task<MqttApplicationMessage?> GetRetainedAsync(string topic) => _retained.GetRetainedAsync(topic);

    public Task<IReadOnlyList<MqttApplicationMessage>> ListRetainedAsync(string tenant) => _retained.ListRetainedAsync(tenant);

    public Task<IReadOnlyList<string>> ListRetainedTenantsAsync() => _retained.ListRetainedTenantsAsync();

    public Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices) =>
        _deliveries.AddLayoutDeliveriesAsync(tenant, messageId, layoutId, devices);

    public Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null) =>
        _deliveries.AdvanceLayoutDeliveryAsync(tenant, messageId, deviceId, state, error);

    public Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId) =>
        _deliveries.GetLayoutDeliveriesAsync(tenant, messageId);

    public Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope) =>
        _history.AppendHistoryAsync(tenant, topic, seq, at, envelope);

    public Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit) =>
        _history.ReadHistoryAsync(tenant, topic, since, limit);

    public Task AddRevocationAsync(Revocation revocation) => _revocations.AddRevocationAsync(revocation);

    public Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now) => _revocations.ListRevocationsAsync(now);

    /// <summary>Stops the periodic trim; the connection belongs to whoever made it (the host's container).</summary>
    public void Dispose() => _history.Dispose();
}
