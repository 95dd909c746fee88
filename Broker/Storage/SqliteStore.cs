using CreatiWall.Broker.Storage.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CreatiWall.Broker.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (<c>Storage:ConnectionString</c>). Every change goes through one
/// write queue that commits whatever is waiting as one transaction (group commit), in order, and completes each change
/// once committed; reads run on their own connections and never wait for the queue. Each data area is its own class
/// under <c>Sqlite/</c>; this one puts them behind the store's interfaces.
/// </summary>
internal sealed class SqliteStore : IBrokerStore, IDisposable
{
    readonly SqliteDatabase _database;
    readonly SqliteSequences _sequences;
    readonly SqliteDevices _devices;
    readonly SqliteRetained _retained;
    readonly SqliteLayoutDeliveries _deliveries;
    readonly SqliteHistory _history;
    readonly SqliteRevocations _revocations;

    public SqliteStore(IOptions<StorageOptions> options, TimeProvider? time = null, ILogger<SqliteStore>? logger = null)
    {
        time ??= TimeProvider.System;
        _database = new SqliteDatabase(options.Value.ConnectionString);
        _sequences = new SqliteSequences(_database.Writes);
        _devices = new SqliteDevices(_database, time);
        _retained = new SqliteRetained(_database);
        _deliveries = new SqliteLayoutDeliveries(_database, time);
        _history = new SqliteHistory(_database, options.Value, time, logger ?? (ILogger)NullLogger.Instance);
        _revocations = new SqliteRevocations(_database);
    }

    public Task FlushAsync() => _database.Writes.RunAsync(_ => 0);

    public Task<StoreHealth> PingAsync(CancellationToken cancellationToken = default) => _database.PingAsync(cancellationToken);

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

    public Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices) =>
        _deliveries.AddLayoutDeliveriesAsync(tenant, messageId, layoutId, devices);

    public Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null) =>
        _deliveries.AdvanceLayoutDeliveryAsync(tenant, messageId, deviceId, state, error);

    public Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId) =>
        _deliveries.GetLayoutDeliveriesAsync(tenant, messageId);

    public Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope) =>
        _history.AppendAsync(tenant, topic, seq, at, envelope);

    public Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit) =>
        _history.ReadAsync(tenant, topic, since, limit);

    public Task AddRevocationAsync(Revocation revocation) => _revocations.AddRevocationAsync(revocation);

    public Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now) => _revocations.ListRevocationsAsync(now);

    /// <summary>Commits what is queued and closes the file; safe to call more than once (every interface's registration disposes it).</summary>
    public void Dispose()
    {
        _history.Dispose();
        _database.Dispose();
    }
}
