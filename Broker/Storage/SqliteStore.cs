using System.Buffers;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, one connection. Every operation is queued to one worker that runs
/// whatever is waiting in a single transaction (group commit), in order; each call returns once its change is
/// committed (synchronous=NORMAL: it survives the process being killed).
/// </summary>
public sealed class SqliteStore : IBrokerStore, IDisposable
{
    const int MaxBatch = 512;

    /// <summary>Sequence numbers reserved per database write; a restart skips at most this many.</summary>
    const int SeqBlock = 100;

    readonly SqliteConnection _db;
    readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _worker;
    readonly StorageOptions _options;
    readonly TimeProvider _time;
    readonly Dictionary<string, (long Next, long Reserved)> _seq = new(StringComparer.Ordinal); // guarded by _seqGate
    readonly SemaphoreSlim _seqGate = new(1, 1);
    readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal); // prepared once, used by the worker only
    SqliteTransaction? _transaction; // the worker's open transaction, which every command must name

    public SqliteStore(IOptions<StorageOptions> options, TimeProvider? time = null)
    {
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        var builder = new SqliteConnectionStringBuilder(_options.ConnectionString) { Pooling = false };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }

        _db = new SqliteConnection(builder.ToString());
        _db.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS tenants (tenant TEXT PRIMARY KEY, seq_reserved INTEGER NOT NULL, history_floor INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS devices (
                tenant TEXT NOT NULL, device_id TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL, reason TEXT,
                current_layout_id TEXT, current_message_id TEXT, acked_layout_id TEXT, acked_status TEXT,
                PRIMARY KEY (tenant, device_id));
            CREATE TABLE IF NOT EXISTS retained (
                topic TEXT PRIMARY KEY, payload BLOB NOT NULL, qos INTEGER NOT NULL, content_type TEXT, payload_format INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS layout_deliveries (
                tenant TEXT NOT NULL, message_id TEXT NOT NULL, device_id TEXT NOT NULL, layout_id TEXT NOT NULL, seq INTEGER NOT NULL,
                state INTEGER NOT NULL, error TEXT, updated TEXT NOT NULL,
                PRIMARY KEY (tenant, message_id, device_id));
            CREATE TABLE IF NOT EXISTS history (
                tenant TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, at INTEGER NOT NULL, envelope BLOB NOT NULL,
                PRIMARY KEY (tenant, seq));
            CREATE INDEX IF NOT EXISTS history_by_topic ON history (tenant, topic, seq);
            """);
        _worker = Task.Run(RunQueueAsync);
    }

    /// <summary>Completes once everything queued before it is committed.</summary>
    public Task FlushAsync() => RunAsync(() => 0);

    public ValueTask<long> NextSeqAsync(string tenant) => NextSeqsAsync(tenant, 1);

    /// <summary>
    /// Numbers are handed out from a block reserved in the file beforehand: only reserving a block waits for a commit
    /// (a layout update to 10,000 screens takes 10,000 numbers at once).
    /// </summary>
    public async ValueTask<long> NextSeqsAsync(string tenant, int count)
    {
        await _seqGate.WaitAsync();
        try
        {
            var (next, reserved) = _seq.GetValueOrDefault(tenant);
            if (next + count > reserved)
            {
                var block = Math.Max(SeqBlock, count);
                reserved = await RunAsync(() => Scalar<long>("""
                    INSERT INTO tenants (tenant, seq_reserved) VALUES ($t, $block)
                    ON CONFLICT (tenant) DO UPDATE SET seq_reserved = seq_reserved + $block
                    RETURNING seq_reserved
                    """, ("$t", tenant), ("$block", block)));
                next = reserved - block;
            }

            _seq[tenant] = (next + count, reserved);
            return next + 1;
        }
        finally
        {
            _seqGate.Release();
        }
    }

    public Task SetStatusAsync(string tenant, string deviceId, string status, DateTimeOffset since, string? reason) => RunAsync(() =>
    {
        Execute("""
            INSERT INTO devices (tenant, device_id, status, since, reason) VALUES ($t, $d, $status, $since, $reason)
            ON CONFLICT (tenant, device_id) DO UPDATE SET status = $status, since = $since, reason = $reason
            """,
            ("$t", tenant), ("$d", deviceId), ("$status", status), ("$since", since.ToString("O")), ("$reason", reason));
        return 0;
    });

    public Task SetCurrentLayoutAsync(string tenant, IReadOnlyList<string> deviceIds, string layoutId, string messageId) => RunAsync(() =>
    {
        var since = _time.GetUtcNow().ToString("O");
        foreach (var deviceId in deviceIds)
        {
            Execute("""
                INSERT INTO devices (tenant, device_id, status, since, current_layout_id, current_message_id)
                VALUES ($t, $d, $offline, $since, $layout, $message)
                ON CONFLICT (tenant, device_id) DO UPDATE SET current_layout_id = $layout, current_message_id = $message
                """,
                ("$t", tenant), ("$d", deviceId), ("$offline", DeviceRecord.Offline), ("$since", since), ("$layout", layoutId), ("$message", messageId));
        }

        return 0;
    });

    public ValueTask<DeviceRecord> UpdateDeviceAsync(string tenant, string deviceId, Func<DeviceRecord, DeviceRecord> change) => new(RunAsync(() =>
    {
        var existing = ReadDevices("WHERE tenant = $t AND device_id = $d", ("$t", tenant), ("$d", deviceId)).SingleOrDefault()
            ?? new DeviceRecord(tenant, deviceId, DeviceRecord.Offline, _time.GetUtcNow(), null, null, null, null, null);
        var updated = change(existing);
        Execute("""
            INSERT INTO devices (tenant, device_id, status, since, reason, current_layout_id, current_message_id, acked_layout_id, acked_status)
            VALUES ($t, $d, $status, $since, $reason, $layout, $message, $acked, $ackStatus)
            ON CONFLICT (tenant, device_id) DO UPDATE SET status = $status, since = $since, reason = $reason,
                current_layout_id = $layout, current_message_id = $message, acked_layout_id = $acked, acked_status = $ackStatus
            """,
            ("$t", tenant), ("$d", deviceId), ("$status", updated.Status), ("$since", updated.Since.ToString("O")), ("$reason", updated.Reason),
            ("$layout", updated.CurrentLayoutId), ("$message", updated.CurrentLayoutMessageId), ("$acked", updated.AckedLayoutId), ("$ackStatus", updated.AckedLayoutStatus));
        return updated;
    }));

    public ValueTask<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string? tenant) => new(RunAsync<IReadOnlyList<DeviceRecord>>(() =>
        tenant is null
            ? ReadDevices("ORDER BY tenant, device_id")
            : ReadDevices("WHERE tenant = $t ORDER BY device_id", ("$t", tenant))));

    public Task SaveRetainedAsync(MqttApplicationMessage message) => RunAsync(() =>
    {
        if (message.Payload.IsEmpty)
        {
            Execute("DELETE FROM retained WHERE topic = $topic", ("$topic", message.Topic));
        }
        else
        {
            Execute("""
                INSERT INTO retained (topic, payload, qos, content_type, payload_format) VALUES ($topic, $payload, $qos, $type, $format)
                ON CONFLICT (topic) DO UPDATE SET payload = $payload, qos = $qos, content_type = $type, payload_format = $format
                """,
                ("$topic", message.Topic), ("$payload", message.Payload.ToArray()), ("$qos", (int)message.QualityOfServiceLevel),
                ("$type", message.ContentType), ("$format", (int)message.PayloadFormatIndicator));
        }

        return 0;
    });

    public Task<List<MqttApplicationMessage>> LoadRetainedAsync() => RunAsync(() =>
    {
        var command = Command("SELECT topic, payload, qos, content_type, payload_format FROM retained");
        using var reader = command.ExecuteReader();
        var messages = new List<MqttApplicationMessage>();
        while (reader.Read())
        {
            messages.Add(new MqttApplicationMessageBuilder()
                .WithTopic(reader.GetString(0))
                .WithPayload((byte[])reader.GetValue(1))
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)reader.GetInt32(2))
                .WithContentType(reader.IsDBNull(3) ? null : reader.GetString(3))
                .WithPayloadFormatIndicator((MqttPayloadFormatIndicator)reader.GetInt32(4))
                .WithRetainFlag()
                .Build());
        }

        return messages;
    });

    public Task AddLayoutDeliveriesAsync(string tenant, string messageId, string layoutId, IReadOnlyList<(string DeviceId, long Seq)> devices) => RunAsync(() =>
    {
        var command = Command("""
            INSERT INTO layout_deliveries (tenant, message_id, device_id, layout_id, seq, state, error, updated)
            VALUES ($t, $m, $d, $layout, $seq, 0, NULL, $now)
            """, ("$t", tenant), ("$m", messageId), ("$layout", layoutId), ("$now", _time.GetUtcNow().ToString("O")), ("$d", ""), ("$seq", 0L));
        foreach (var (deviceId, seq) in devices)
        {
            command.Parameters["$d"].Value = deviceId;
            command.Parameters["$seq"].Value = seq;
            command.ExecuteNonQuery();
        }

        return 0;
    });

    public Task AdvanceLayoutDeliveryAsync(string tenant, string messageId, string deviceId, LayoutState state, string? error = null) => RunAsync(() =>
    {
        // Forward only: applied and failed may replace each other (a retried apply), nothing goes back to pending.
        Execute("""
            UPDATE layout_deliveries SET state = $state, error = $error, updated = $now
            WHERE tenant = $t AND message_id = $m AND device_id = $d AND (state < $state OR (state >= 2 AND $state >= 2))
            """,
            ("$t", tenant), ("$m", messageId), ("$d", deviceId), ("$state", (int)state), ("$error", error), ("$now", _time.GetUtcNow().ToString("O")));
        return 0;
    });

    public Task<IReadOnlyList<LayoutDelivery>> GetLayoutDeliveriesAsync(string tenant, string messageId) => RunAsync<IReadOnlyList<LayoutDelivery>>(() =>
    {
        var command = Command("""
            SELECT device_id, layout_id, seq, state, error, updated FROM layout_deliveries
            WHERE tenant = $t AND message_id = $m ORDER BY device_id
            """, ("$t", tenant), ("$m", messageId));
        using var reader = command.ExecuteReader();
        var deliveries = new List<LayoutDelivery>();
        while (reader.Read())
        {
            deliveries.Add(new LayoutDelivery(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (LayoutState)reader.GetInt32(3),
                Text(reader, 4), DateTimeOffset.Parse(reader.GetString(5))));
        }

        return deliveries;
    });

    public Task AppendHistoryAsync(string tenant, string topic, long seq, DateTimeOffset at, byte[] envelope) => RunAsync(() =>
    {
        Execute("INSERT OR REPLACE INTO history (tenant, seq, topic, at, envelope) VALUES ($t, $seq, $topic, $at, $envelope)",
            ("$t", tenant), ("$seq", seq), ("$topic", topic), ("$at", at.ToUnixTimeMilliseconds()), ("$envelope", envelope));
        Trim(tenant);
        return 0;
    });

    public Task<HistoryPage> ReadHistoryAsync(string tenant, string topic, long since, int limit) => RunAsync(() =>
    {
        Trim(tenant);
        var floor = Scalar<long?>("SELECT history_floor FROM tenants WHERE tenant = $t", ("$t", tenant)) ?? 0;
        var command = Command("SELECT envelope FROM history WHERE tenant = $t AND topic = $topic AND seq > $since ORDER BY seq LIMIT $limit",
            ("$t", tenant), ("$topic", topic), ("$since", since), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var envelopes = new List<byte[]>();
        while (reader.Read())
        {
            envelopes.Add((byte[])reader.GetValue(0));
        }

        return new HistoryPage(since < floor, floor + 1, envelopes);
    });

    abstract class Operation
    {
        public abstract void Run();

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    sealed class Operation<T>(Func<T> work) : Operation
    {
        readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T _result = default!;

        public Task<T> Task => _done.Task;

        public override void Run() => _result = work();

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception error) => _done.TrySetException(error);
    }

    Task<T> RunAsync<T>(Func<T> work)
    {
        var operation = new Operation<T>(work);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteStore));
        }

        return operation.Task;
    }

    /// <summary>
    /// Runs queued operations in order, as many as are waiting in one transaction, and completes them once that
    /// transaction is committed.
    /// </summary>
    async Task RunQueueAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (!RunBatch(batch, isolated: false))
            {
                RunBatch(batch, isolated: true);
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Runs the batch in one transaction. When an operation throws, a batch run as a whole is rolled back (false) to be
    /// run again <paramref name="isolated"/>: each operation under its own savepoint, so only the failing one is undone
    /// (savepoints cost two statements per operation, so they are not paid on every batch).
    /// </summary>
    bool RunBatch(List<Operation> batch, bool isolated)
    {
        var succeeded = new List<Operation>(batch.Count);
        try
        {
            using var transaction = _transaction = _db.BeginTransaction();
            foreach (var operation in batch)
            {
                if (!isolated)
                {
                    try
                    {
                        operation.Run();
                    }
                    catch (Exception)
                    {
                        transaction.Rollback();
                        return false;
                    }

                    succeeded.Add(operation);
                    continue;
                }

                Execute("SAVEPOINT op");
                try
                {
                    operation.Run();
                    Execute("RELEASE op");
                    succeeded.Add(operation);
                }
                catch (Exception error)
                {
                    Execute("ROLLBACK TO op");
                    Execute("RELEASE op");
                    operation.Fail(error);
                }
            }

            transaction.Commit();
        }
        catch (Exception error)
        {
            batch.ForEach(o => o.Fail(error)); // whatever was not failed on its own is not committed either
            return true;
        }
        finally
        {
            _transaction = null;
        }

        succeeded.ForEach(o => o.Complete());
        return true;
    }

    /// <summary>Drops what is beyond the count and age bounds and raises the tenant's floor past it. Runs on the queue.</summary>
    void Trim(string tenant)
    {
        var byCount = Scalar<long?>("SELECT seq FROM history WHERE tenant = $t ORDER BY seq DESC LIMIT 1 OFFSET $max",
            ("$t", tenant), ("$max", _options.HistoryMaxMessages)) ?? 0;
        var cutoff = (_time.GetUtcNow() - TimeSpan.FromHours(_options.HistoryMaxAgeHours)).ToUnixTimeMilliseconds();
        var byAge = Scalar<long?>("SELECT MAX(seq) FROM history WHERE tenant = $t AND at < $cutoff", ("$t", tenant), ("$cutoff", cutoff)) ?? 0;
        var floor = Math.Max(byCount, byAge);
        if (floor > 0)
        {
            Execute("DELETE FROM history WHERE tenant = $t AND seq <= $floor", ("$t", tenant), ("$floor", floor));
            Execute("UPDATE tenants SET history_floor = MAX(history_floor, $floor) WHERE tenant = $t", ("$t", tenant), ("$floor", floor));
        }
    }

    List<DeviceRecord> ReadDevices(string where, params (string Name, object? Value)[] parameters)
    {
        var command = Command(
            "SELECT tenant, device_id, status, since, reason, current_layout_id, current_message_id, acked_layout_id, acked_status FROM devices " + where,
            parameters);
        using var reader = command.ExecuteReader();
        var devices = new List<DeviceRecord>();
        while (reader.Read())
        {
            devices.Add(new DeviceRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3)),
                Text(reader, 4), Text(reader, 5), Text(reader, 6), Text(reader, 7), Text(reader, 8)));
        }

        return devices;
    }

    static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    /// <summary>The prepared command for <paramref name="sql"/> (kept: SQLite parses each statement once), with these parameters.</summary>
    SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands[sql] = command = _db.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = _transaction;
        var bound = command.Parameters;
        if (SameNames(bound, parameters))
        {
            // The usual case, a statement run again: new values into its parameters rather than new parameter objects.
            for (var i = 0; i < parameters.Length; i++)
            {
                bound[i].Value = parameters[i].Value ?? DBNull.Value;
            }

            return command;
        }

        bound.Clear();
        foreach (var (name, value) in parameters)
        {
            bound.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    static bool SameNames(SqliteParameterCollection bound, (string Name, object? Value)[] parameters)
    {
        if (bound.Count != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (bound[i].ParameterName != parameters[i].Name)
            {
                return false;
            }
        }

        return true;
    }

    void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        Command(sql, parameters).ExecuteNonQuery();
    }

    T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        var value = Command(sql, parameters).ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Wait(TimeSpan.FromSeconds(10));
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _db.Dispose();
    }
}
